-- HubSpot deals and Salesforce opportunities in one shape, the amount converted to
-- var('reporting_currency') at the rate valid on the close date (else the creation date).
-- An amount without a rate keeps reporting_amount NULL and is_fx_missing true.
with

hubspot_deals as (select * from {{ ref('stg_hubspot__deals') }}),
opportunities as (select * from {{ ref('stg_salesforce__opportunities') }}),
fx as (select * from {{ ref('int_fx_rates_to_reporting_currency') }}),
files as (select * from {{ ref('stg_ingest__files') }}),

unioned as (
    select
        'hubspot' as crm, deal_id, deal_name, stage_category, is_won, amount, currency,
        created_date, close_date, cast(null as {{ dbt.type_string() }}) as campaign_label,
        _file_id
    from hubspot_deals
    union all
    select
        'salesforce' as crm, opportunity_id as deal_id, opportunity_name as deal_name,
        stage_category, is_won, amount, currency, created_date, close_date, campaign_label,
        _file_id
    from opportunities
),

final as (
    select
        d.crm || ':' || d.deal_id as deal_key,
        d.crm,
        d.deal_id,
        d.deal_name,
        d.stage_category,
        d.is_won,
        d.amount,
        d.currency,
        case
            when d.currency = '{{ var("reporting_currency") }}' then d.amount
            else d.amount * fx.rate_to_reporting
        end as reporting_amount,
        coalesce(
            d.amount is not null
            and d.currency <> '{{ var("reporting_currency") }}'
            and fx.rate_to_reporting is null,
            false
        ) as is_fx_missing,
        d.created_date,
        d.close_date,
        d.campaign_label,
        d._file_id,
        f.loaded_at as _loaded_at
    from unioned as d
    left join files as f
        on d._file_id = f.file_id
    left join fx
        on d.currency = fx.currency
        and coalesce(d.close_date, d.created_date) >= fx.valid_from
        and coalesce(d.close_date, d.created_date) < fx.valid_to
)

select * from final
