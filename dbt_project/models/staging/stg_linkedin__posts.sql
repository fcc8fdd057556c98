-- LinkedIn Page posts: creation date only (kept as is); the ID is the urn in the link
-- (else the link itself).
with

source as (
    {{ latest_snapshot(source('raw', 'linkedin_posts'), ["coalesce(nullif(post_id, ''), post_link)"]) }}
),

renamed as (
    select
        'linkedin' as platform,
        coalesce(nullif(post_id, ''), post_link) as post_id,
        cast(published_at as {{ dbt.type_timestamp() }}) as published_at,
        published_at as published_date,
        post_title as post_text,
        post_link as post_url,
        campaign_name as campaign_label,
        impressions,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        views,
        likes,
        comments,
        reposts as shares,
        cast(null as {{ dbt.type_bigint() }}) as saves,
        clicks,
        follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
