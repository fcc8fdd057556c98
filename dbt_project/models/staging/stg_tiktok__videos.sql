-- TikTok Studio videos: views only (no impressions, no clicks); the ID ends the link
-- (else the link itself).
with

source as (
    {{ latest_snapshot(source('raw', 'tiktok_videos'), ["coalesce(nullif(post_id, ''), video_link)"]) }}
),

renamed as (
    select
        'tiktok' as platform,
        coalesce(nullif(post_id, ''), video_link) as post_id,
        published_at,
        {{ local_date('published_at') }} as published_date,
        video_title as post_text,
        video_link as post_url,
        cast(null as {{ dbt.type_string() }}) as campaign_label,
        cast(null as {{ dbt.type_bigint() }}) as impressions,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        views,
        likes,
        comments,
        shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        cast(null as {{ dbt.type_bigint() }}) as clicks,
        cast(null as {{ dbt.type_bigint() }}) as follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
