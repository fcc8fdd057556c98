-- GA4 traffic acquisition by day. '(not set)', '(organic)' and the like are not campaigns.
with

source as (
    {{ latest_snapshot(source('raw', 'ga4_traffic'), ['date', 'source_medium', 'session_campaign'], scope='date') }}
),

renamed as (
    select
        date as session_date,
        source_medium,
        session_campaign,
        lower(trim({{ dbt.split_part('source_medium', "'/'", 1) }})) as traffic_source,
        lower(trim({{ dbt.split_part('source_medium', "'/'", 2) }})) as traffic_medium,
        case
            when trim(session_campaign) like '(%)' then null
            else nullif(trim(session_campaign), '')
        end as campaign_label,
        sessions,
        engaged_sessions,
        key_events,
        total_revenue as revenue,
        upper(coalesce(_currency, '{{ var("web_currency") }}')) as currency,
        _file_id,
        _exported_at
    from source
)

select * from renamed
