-- HubSpot contacts (names dropped, email/phone hashed at ingest). A contact is a lead when it
-- became one (became_lead_at) or its lifecycle stage is lead or later.
with

source as (
    {{ latest_snapshot(source('raw', 'hubspot_contacts'), ['contact_id']) }}
),

renamed as (
    select
        contact_id,
        email_hash,
        phone_hash,
        created_at,
        coalesce(became_lead_at, created_at) as lead_at,
        {{ local_date('coalesce(became_lead_at, created_at)') }} as lead_date,
        became_customer_at,
        {{ normalise_name('lifecycle_stage') }} as lifecycle_stage,
        became_lead_at is not null
        or {{ normalise_name('lifecycle_stage') }} in (
            'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer',
            'evangelist'
        ) as is_lead,
        lead_status,
        original_source as first_touch_source,
        original_source_drill_down_1 as first_touch_platform,
        original_source_drill_down_2 as first_touch_campaign,
        latest_source as last_touch_source,
        latest_source_drill_down_1 as last_touch_platform,
        latest_source_drill_down_2 as last_touch_campaign,
        _file_id,
        _exported_at
    from source
)

select * from renamed
