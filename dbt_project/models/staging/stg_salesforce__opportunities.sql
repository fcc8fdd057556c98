-- Salesforce opportunities. Won = stage 'Closed Won' (any case). Amounts are in the org's
-- currency (var crm_currency); Primary Campaign Source names the campaign as the plan spells it.
with

source as (
    {{ latest_snapshot(source('raw', 'salesforce_opportunities'), ['opportunity_id']) }}
),

renamed as (
    select
        opportunity_id,
        opportunity_name,
        stage,
        case {{ normalise_name('stage') }}
            when 'closedwon' then 'won'
            when 'closedlost' then 'lost'
            else 'open'
        end as stage_category,
        coalesce({{ normalise_name('stage') }} = 'closedwon', false) as is_won,
        amount,
        upper(coalesce(_currency, '{{ var("crm_currency") }}')) as currency,
        created_date,
        close_date,
        primary_campaign_source as campaign_label,
        _file_id,
        _exported_at
    from source
)

select * from renamed
