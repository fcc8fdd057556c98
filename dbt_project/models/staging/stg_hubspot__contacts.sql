with

source as (
    select * from {{ source('raw', 'hubspot_contacts') }}
    {{ latest_snapshot(['contact_id']) }}
),

renamed as (
    select
        contact_id,
        email_hash,
        phone_hash,
        created_at,
        coalesce(became_lead_at, created_at) as lead_at,
        became_customer_at,
        lower(lifecycle_stage) as lifecycle_stage,
        lead_status,
        original_source as first_touch_source,
        original_source_drill_down_1 as first_touch_platform,
        original_source_drill_down_2 as first_touch_campaign,
        latest_source as last_touch_source,
        latest_source_drill_down_1 as last_touch_platform,
        latest_source_drill_down_2 as last_touch_campaign,
        _file_id,
    from source
)

select * from renamed
