-- Instagram posts (Meta Business Suite). Older exports say Impressions, newer ones Views.
with

source as (
    {{ latest_snapshot(source('raw', 'instagram_posts'), ['post_id'], scope='post_id') }}
),

renamed as (
    select
        'instagram' as platform,
        post_id,
        published_at,
        {{ local_date('published_at') }} as published_date,
        description as post_text,
        permalink as post_url,
        cast(null as {{ dbt.type_string() }}) as campaign_label,
        coalesce(impressions, views) as impressions,
        reach,
        views,
        likes,
        comments,
        shares,
        saves,
        cast(null as {{ dbt.type_bigint() }}) as clicks,
        follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
