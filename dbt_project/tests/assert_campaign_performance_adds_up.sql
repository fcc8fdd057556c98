-- campaign_performance is consistent with itself and with the daily funnel: each campaign's
-- 'all' row is the sum of its platform rows (every model), and its activity (not windowed)
-- equals the daily funnel's totals for that campaign.
with

performance as (
    select * from {{ ref('campaign_performance') }}
),

platform_sums as (
    select
        campaign_id, attribution_model, sum(engagements) as engagements,
        sum(impressions) as impressions, sum(spend) as spend, sum(leads) as leads,
        sum(won_deals) as won_deals, sum(revenue_won) as revenue_won
    from performance
    where platform <> 'all'
    group by campaign_id, attribution_model
),

funnel as (
    select
        campaign_id, sum(engagements) as engagements, sum(impressions) as impressions,
        sum(spend) as spend, sum(sessions) as sessions
    from {{ ref('fct_campaign_funnel_daily') }}
    group by campaign_id
)

select p.campaign_id, p.attribution_model, 'all <> sum of platforms' as problem
from performance as p
left join platform_sums as s
    on p.campaign_id = s.campaign_id and p.attribution_model = s.attribution_model
where p.platform = 'all'
    and (p.engagements <> coalesce(s.engagements, 0)
        or p.impressions <> coalesce(s.impressions, 0)
        or abs(p.spend - coalesce(s.spend, 0)) > 0.005
        or abs(p.leads - coalesce(s.leads, 0)) > 0.000001
        or abs(p.won_deals - coalesce(s.won_deals, 0)) > 0.000001
        or abs(p.revenue_won - coalesce(s.revenue_won, 0)) > 0.005)
union all
select p.campaign_id, p.attribution_model, 'activity <> daily funnel' as problem
from performance as p
left join funnel as f
    on p.campaign_id = f.campaign_id
where p.platform = 'all'
    and p.attribution_model = '{{ var("attribution_model") }}'
    and (p.engagements <> coalesce(f.engagements, 0)
        or p.impressions <> coalesce(f.impressions, 0)
        or p.sessions <> coalesce(f.sessions, 0)
        or abs(p.spend - coalesce(f.spend, 0)) > 0.005)
