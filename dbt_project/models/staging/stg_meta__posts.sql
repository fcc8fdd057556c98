-- Facebook Page posts (Meta Business Suite). Older exports say Impressions, newer ones Views.
with

source as (
    {{ latest_snapshot(source('raw', 'facebook_posts'), ['post_id'], scope='post_id') }}
),

renamed as (
    select
        'facebook' as platform,
        post_id,
        published_at,
        {{ local_date('published_at') }} as published_date,
        nullif(trim(coalesce(title, '') || ' ' || coalesce(description, '')), '') as post_text,
        permalink as post_url,
        custom_labels as campaign_label,
        coalesce(impressions, views) as impressions,
        reach,
        views,
        reactions as likes,
        comments,
        shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        link_clicks as clicks,
        cast(null as {{ dbt.type_bigint() }}) as follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
