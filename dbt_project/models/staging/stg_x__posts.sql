with

source as (
    {{ latest_snapshot(source('raw', 'x_posts'), ['post_id'], scope='post_id') }}
),

renamed as (
    select
        'x' as platform,
        post_id,
        published_at,
        {{ local_date('published_at') }} as published_date,
        post_text,
        permalink as post_url,
        cast(null as {{ dbt.type_string() }}) as campaign_label,
        impressions,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        media_views as views,
        likes,
        replies as comments,
        coalesce(retweets, 0) + coalesce(shares, 0) as shares,
        bookmarks as saves,
        url_clicks as clicks,
        follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
