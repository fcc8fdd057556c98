-- Salesforce leads: one touch, UTM Campaign (campaign) and Lead Source (channel), used as both
-- first and last touch downstream. Created Date carries no time.
with

source as (
    {{ latest_snapshot(source('raw', 'salesforce_leads'), ['lead_id']) }}
),

renamed as (
    select
        lead_id,
        email_hash,
        cast(created_date as {{ dbt.type_timestamp() }}) as lead_at,
        created_date as lead_date,
        lead_source as touch_source,
        utm_campaign as touch_campaign,
        lead_status,
        coalesce(
            lower(trim(is_converted)) in ('1', 'true', 'yes', 'y', 'x', 'checked', 'si', 'sì'),
            false
        ) as is_converted,
        nullif(trim(converted_opportunity_id), '') as converted_opportunity_id,
        _file_id,
        _exported_at
    from source
)

select * from renamed
