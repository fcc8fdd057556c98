-- Pinterest pins: saves are the engagement; outbound clicks are the clicks to the website.
with

source as (
    {{ latest_snapshot(source('raw', 'pinterest_pins'), ['post_id'], scope='post_id') }}
),

renamed as (
    select
        'pinterest' as platform,
        post_id,
        cast(published_at as {{ dbt.type_timestamp() }}) as published_at,
        published_at as published_date,
        title as post_text,
        pin_link as post_url,
        cast(null as {{ dbt.type_string() }}) as campaign_label,
        impressions,
        cast(null as {{ dbt.type_bigint() }}) as reach,
        cast(null as {{ dbt.type_bigint() }}) as views,
        cast(null as {{ dbt.type_bigint() }}) as likes,
        cast(null as {{ dbt.type_bigint() }}) as comments,
        cast(null as {{ dbt.type_bigint() }}) as shares,
        saves,
        outbound_clicks as clicks,
        cast(null as {{ dbt.type_bigint() }}) as follows,
        _file_id,
        _exported_at
    from source
)

select * from renamed
