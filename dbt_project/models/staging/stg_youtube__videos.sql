-- YouTube Studio videos: publish date only; IDs starting with '-' may carry a leading space.
with

source as (
    {{ latest_snapshot(source('raw', 'youtube_videos'), ['trim(post_id)']) }}
),

renamed as (
    select
        'youtube' as platform,
        trim(post_id) as post_id,
        cast(published_at as {{ dbt.type_timestamp() }}) as published_at,
        published_at as published_date,
        video_title as post_text,
        'https://www.youtube.com/watch?v=' || trim(post_id) as post_url,
        cast(null as {{ dbt.type_string() }}) as campaign_label,
        impressions,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        views,
        likes,
        cast(null as {{ dbt.type_bigint() }}) as comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        cast(null as {{ dbt.type_bigint() }}) as clicks,
        cast(round(subscribers) as {{ dbt.type_bigint() }}) as follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
