-- Leads reach campaigns through their source fields: HubSpot Drill-Down 2 holds utm_campaign.
with

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

campaigns as (
    select * from {{ ref('stg_plan__campaigns') }}
),

touches as (
    select contact_id, lead_at, 'first_touch' as touch, first_touch_campaign as campaign_value
    from contacts
    union all
    select contact_id, lead_at, 'last_touch' as touch, last_touch_campaign as campaign_value
    from contacts
),

matched as (
    select
        t.contact_id,
        t.lead_at,
        t.touch,
        c.campaign_id,
    from touches as t
    inner join campaigns as c
        on {{ normalise_name('t.campaign_value') }} in (c.utm_campaign_key, c.campaign_name_key)
)

select * from matched
