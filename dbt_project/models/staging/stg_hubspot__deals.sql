-- HubSpot deals. Won = stage 'Closed Won' (any case/spacing, so the internal 'closedwon' too).
-- Amounts are in the portal currency (var crm_currency).
with

source as (
    {{ latest_snapshot(source('raw', 'hubspot_deals'), ['deal_id']) }}
),

renamed as (
    select
        deal_id,
        deal_name,
        deal_stage,
        case {{ normalise_name('deal_stage') }}
            when 'closedwon' then 'won'
            when 'closedlost' then 'lost'
            else 'open'
        end as stage_category,
        coalesce({{ normalise_name('deal_stage') }} = 'closedwon', false) as is_won,
        pipeline,
        amount,
        upper(coalesce(_currency, '{{ var("crm_currency") }}')) as currency,
        created_at,
        {{ local_date('created_at') }} as created_date,
        close_date as closed_at,
        {{ local_date('close_date') }} as close_date,
        nullif(
            replace(replace(associated_contact_ids, ' ', ''), ',', ';'), ''
        ) as associated_contact_ids,
        _file_id,
        _exported_at
    from source
)

select * from renamed
