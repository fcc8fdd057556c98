-- Conversions credited to campaigns, per attribution model, in one shape: leads (weight = the
-- lead's share) and deals (won_deals = the share of a won deal, revenue = that share of its
-- amount in the reporting currency). Dated by the lead date (a sale: the lead it grew from).
with

leads as ({{ lead_credit_by_model(ref('int_leads_attributed_to_campaigns')) }}),
deals as (select * from {{ ref('int_deals_attributed_to_campaigns') }}),

final as (
    select
        case crm when 'hubspot' then 'hubspot_contacts' else 'salesforce_leads' end as source,
        'lead' as conversion_type,
        person_key as record_id, touch, platform, campaign_id, match_rule, attribution_model,
        lead_date as conversion_date, touch_campaign as campaign_label,
        touch_detail as url, touch_source as text,
        weight as leads,
        cast(0 as {{ dbt.type_float() }}) as won_deals,
        cast(0 as {{ dbt.type_float() }}) as revenue,
        false as is_fx_missing,
        _loaded_at
    from leads
    union all
    select
        case crm when 'hubspot' then 'hubspot_deals' else 'salesforce_opportunities' end as source,
        'deal' as conversion_type,
        deal_key as record_id, cast(null as {{ dbt.type_string() }}) as touch, platform,
        campaign_id, match_rule, attribution_model, conversion_date, campaign_label,
        cast(null as {{ dbt.type_string() }}) as url,
        cast(null as {{ dbt.type_string() }}) as text,
        cast(0 as {{ dbt.type_float() }}) as leads,
        case when is_won then weight else 0 end as won_deals,
        case when is_won then weight * reporting_amount else 0 end as revenue,
        is_won and is_fx_missing as is_fx_missing,
        _loaded_at
    from deals
)

select * from final
