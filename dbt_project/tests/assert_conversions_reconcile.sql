-- Every lead, web session and won deal is counted exactly once: staging totals equal the daily
-- funnel (attributed, default model) plus the unattributed mart; and under every attribution
-- model the credited leads add up to the number of leads.
with

leads as (
    select count(*) as n from {{ ref('stg_hubspot__contacts') }} where is_lead
    union all
    select count(*) from {{ ref('stg_salesforce__leads') }}
),

won as (
    select count(*) as n from {{ ref('stg_hubspot__deals') }} where is_won
    union all
    select count(*) from {{ ref('stg_salesforce__opportunities') }} where is_won
),

staging as (
    select 'leads' as metric, cast(sum(n) as {{ dbt.type_float() }}) as total from leads
    union all
    select 'won_deals', cast(sum(n) as {{ dbt.type_float() }}) from won
    union all
    select 'sessions', cast(coalesce(sum(sessions), 0) as {{ dbt.type_float() }})
    from {{ ref('stg_ga4__traffic_days') }}
),

marts as (
    select 'leads' as metric, coalesce(sum(leads), 0) as total from (
        select leads from {{ ref('fct_campaign_funnel_daily') }}
        union all
        select leads from {{ ref('unattributed') }} where record_type = 'lead'
    ) as l
    union all
    select 'won_deals', coalesce(sum(won_deals), 0) from (
        select won_deals from {{ ref('fct_campaign_funnel_daily') }}
        union all
        select won_deals from {{ ref('unattributed') }} where record_type = 'deal'
    ) as w
    union all
    select 'sessions', coalesce(sum(sessions), 0) from (
        select sessions from {{ ref('fct_campaign_funnel_daily') }}
        union all
        select sessions from {{ ref('unattributed') }} where record_type = 'web_day'
    ) as s
),

per_model as (
    select 'leads under ' || attribution_model as metric, sum(leads) as total
    from {{ ref('int_conversions_unioned') }}
    group by attribution_model
)

select s.metric, s.total as staging_total, m.total as mart_total
from staging as s
inner join marts as m on s.metric = m.metric
where abs(s.total - m.total) > 0.000001
union all
select p.metric, s.total, p.total
from per_model as p
cross join staging as s
where s.metric = 'leads' and abs(s.total - p.total) > 0.000001
