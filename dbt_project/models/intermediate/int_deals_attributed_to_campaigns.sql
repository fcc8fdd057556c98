-- Deals credited to campaigns per attribution model; weights sum to 1 per deal and model.
-- HubSpot: split equally over the associated contacts (up to 200), each share following that
--   contact's lead attribution; a contact that is not a known lead leaves its share unattributed.
-- Salesforce: the Primary Campaign Source when it matches a campaign (full credit under every
--   model; the platform is the converted lead's), else the converted lead's attribution, else
--   unattributed.
-- conversion_date: a sale is dated by the lead it grew from (the conversion the campaign
-- produced; the deal closes weeks later), an opportunity naming its campaign by its creation,
-- an unattributed deal by its creation (else its close).
with

deals as (select * from {{ ref('int_deals_unioned') }}),
hubspot_deals as (select * from {{ ref('stg_hubspot__deals') }}),
opportunities as (select * from {{ ref('stg_salesforce__opportunities') }}),
sf_leads as (select * from {{ ref('stg_salesforce__leads') }}),
leads as (select * from {{ ref('int_leads_attributed_to_campaigns') }}),
campaigns as (select * from {{ ref('stg_plan__campaigns') }}),
files as (select * from {{ ref('stg_ingest__files') }}),
spine as ({{ dbt.generate_series(200) }}),
models as ({{ attribution_models_relation() }}),

split_contacts as (
    select distinct
        d.deal_id,
        trim(
            {{ dbt.split_part('d.associated_contact_ids', "';'", 's.generated_number') }}
        ) as person_id
    from hubspot_deals as d
    inner join spine as s
        on s.generated_number <= {{ dbt.length('d.associated_contact_ids') }}
        - {{ dbt.length(dbt.replace('d.associated_contact_ids', "';'", "''")) }} + 1
),

deal_people as (
    -- the people a deal goes through: HubSpot contacts, Salesforce leads converted into it
    select 'hubspot:' || deal_id as deal_key, person_id, 'hubspot' as crm
    from split_contacts
    where person_id <> ''
    union all
    select
        'salesforce:' || converted_opportunity_id as deal_key, lead_id as person_id,
        'salesforce' as crm
    from sf_leads
    where converted_opportunity_id is not null
),

-- each person's credited touches under each model (a person who is no known lead: one row,
-- unattributed, weight 1)
via_people as (
    {%- for model in attribution_models() %}
    select
        p.deal_key, '{{ model }}' as attribution_model, l.campaign_id,
        coalesce(l.platform, 'other') as platform,
        coalesce(l.match_rule, 'unattributed') as match_rule,
        coalesce(l.weight_{{ model }}, 1.0) as person_weight,
        p.person_id,
        l.lead_date,
        l._loaded_at
    from deal_people as p
    left join leads as l
        on p.crm = l.crm
        and p.person_id = l.person_id
        and l.weight_{{ model }} > 0
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
),

people_counts as (
    select deal_key, count(distinct person_id) as people
    from deal_people
    group by deal_key
),

opportunity_input as (
    select
        o.*,
        'salesforce:' || o.opportunity_id as _match_key,
        o.campaign_label as _match_url,
        o.campaign_label as _match_label,
        cast(null as {{ dbt.type_string() }}) as _match_text,
        o.created_date as _match_date
    from opportunities as o
),

{{ match_to_campaigns('opportunity_input', 'campaigns', 'files') }},

named as (
    select _match_key as deal_key, campaign_id, match_rule, created_date, _campaign_loaded_at
    from matched
    where campaign_id is not null
),

credit as (
    -- an opportunity naming a campaign: that campaign, full credit under every model
    select
        n.deal_key, m.attribution_model, n.campaign_id,
        coalesce(min(v.platform), 'other') as platform, n.match_rule, n.created_date as credit_date,
        1.0 as weight, max({{ newest('v._loaded_at', 'n._campaign_loaded_at') }}) as _loaded_at
    from named as n
    cross join models as m
    left join via_people as v
        on n.deal_key = v.deal_key
        and v.attribution_model = 'last_touch'
    group by n.deal_key, m.attribution_model, n.campaign_id, n.match_rule, n.created_date
    union all
    -- otherwise through its people, each an equal share
    select
        v.deal_key, v.attribution_model, v.campaign_id, v.platform, v.match_rule,
        v.lead_date as credit_date, v.person_weight / c.people as weight, v._loaded_at
    from via_people as v
    inner join people_counts as c
        on v.deal_key = c.deal_key
    where v.deal_key not in (select deal_key from named)
),

final as (
    select
        d.deal_key, d.crm, d.deal_id, d.stage_category, d.is_won, d.reporting_amount,
        d.is_fx_missing, d.campaign_label, m.attribution_model,
        coalesce(c.credit_date, d.created_date, d.close_date) as conversion_date,
        c.campaign_id,
        coalesce(c.platform, 'other') as platform,
        coalesce(c.match_rule, 'unattributed') as match_rule,
        coalesce({{ exact_sum('c.weight') }}, 1.0) as weight,
        max({{ newest('d._loaded_at', 'c._loaded_at') }}) as _loaded_at
    from deals as d
    cross join models as m
    left join credit as c
        on d.deal_key = c.deal_key
        and m.attribution_model = c.attribution_model
    group by
        d.deal_key, d.crm, d.deal_id, d.stage_category, d.is_won, d.reporting_amount,
        d.is_fx_missing, d.campaign_label, m.attribution_model,
        coalesce(c.credit_date, d.created_date, d.close_date),
        c.campaign_id, c.platform, c.match_rule
)

select * from final
