-- One row per campaign x platform x attribution model; platform 'all' is the campaign total
-- (every planned campaign has one per model, activity or not). Activity counts whatever its
-- date; conversions count when created between start_date and window_end_date. Rates over
-- zero volume are NULL; money rates are NULL when an amount could not be converted.
with

campaigns as (select * from {{ ref('stg_plan__campaigns') }}),
activities as (select * from {{ ref('int_activities_unioned') }} where campaign_id is not null),
conversions as (select * from {{ ref('int_conversions_unioned') }} where campaign_id is not null),
models as ({{ attribution_models_relation() }}),

windows as (
    select
        *,
        cast(
            {{ dbt.dateadd('day', var('attribution_window_days'), 'end_date') }} as date
        ) as window_end_date
    from campaigns
),

activity_totals as (
    select
        campaign_id, platform, sum(posts) as posts, sum(impressions) as impressions,
        sum(reach) as reach, sum(views) as views, sum(engagements) as engagements,
        sum(clicks) as clicks, sum(sessions) as sessions, sum(key_events) as key_events,
        {{ exact_sum('spend') }} as spend, sum(platform_leads) as platform_leads,
        {{ dbt.bool_or('is_fx_missing') }} as has_fx_missing
    from activities
    group by campaign_id, platform
),

conversion_totals as (
    select
        c.campaign_id, c.platform, c.attribution_model, {{ exact_sum('c.leads') }} as leads,
        {{ exact_sum('c.won_deals') }} as won_deals,
        {{ exact_sum('c.revenue') }} as revenue_won,
        {{ dbt.bool_or('c.is_fx_missing') }} as has_fx_missing
    from conversions as c
    inner join windows as w
        on c.campaign_id = w.campaign_id
        and c.conversion_date >= w.start_date
        and (w.window_end_date is null or c.conversion_date <= w.window_end_date)
    group by c.campaign_id, c.platform, c.attribution_model
),

by_platform as (
    select
        k.campaign_id, k.platform, m.attribution_model, a.posts, a.impressions, a.reach,
        a.views, a.engagements, a.clicks, a.sessions, a.key_events, a.spend, a.platform_leads,
        v.leads, v.won_deals, v.revenue_won,
        coalesce(a.has_fx_missing, false) or coalesce(v.has_fx_missing, false) as has_fx_missing
    from (
        select campaign_id, platform from activity_totals
        union
        select campaign_id, platform from conversion_totals
    ) as k
    cross join models as m
    left join activity_totals as a
        on k.campaign_id = a.campaign_id and k.platform = a.platform
    left join conversion_totals as v
        on k.campaign_id = v.campaign_id and k.platform = v.platform
        and m.attribution_model = v.attribution_model
),

with_totals as (
    select * from by_platform
    union all
    select
        w.campaign_id, 'all' as platform, m.attribution_model, sum(b.posts), sum(b.impressions),
        sum(b.reach), sum(b.views), sum(b.engagements), sum(b.clicks), sum(b.sessions),
        sum(b.key_events), {{ exact_sum('b.spend') }}, sum(b.platform_leads),
        {{ exact_sum('b.leads') }}, {{ exact_sum('b.won_deals') }}, {{ exact_sum('b.revenue_won') }}, coalesce({{ dbt.bool_or('b.has_fx_missing') }}, false)
    from windows as w
    cross join models as m
    left join by_platform as b
        on w.campaign_id = b.campaign_id and m.attribution_model = b.attribution_model
    group by w.campaign_id, m.attribution_model
),

final as (
    select
        w.campaign_id, w.campaign_name, w.utm_campaign, t.platform, t.attribution_model,
        w.start_date, w.end_date, w.window_end_date,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {%- for metric in ['posts', 'impressions', 'reach', 'views', 'engagements', 'clicks',
                           'sessions', 'platform_leads'] %}
        cast(coalesce(t.{{ metric }}, 0) as {{ dbt.type_bigint() }}) as {{ metric }},
        {%- endfor %}
        {%- for metric in ['key_events', 'leads', 'won_deals', 'revenue_won', 'spend'] %}
        cast(coalesce(t.{{ metric }}, 0) as {{ dbt.type_float() }}) as {{ metric }},
        {%- endfor %}
        t.has_fx_missing,
        1.0 * t.engagements / nullif(t.impressions, 0) as engagement_rate,
        1.0 * t.clicks / nullif(t.impressions, 0) as ctr,
        1000.0 * t.leads / nullif(t.engagements, 0) as lead_rate_per_1000,
        1.0 * t.won_deals / nullif(t.leads, 0) as lead_to_sale,
        case when not t.has_fx_missing then t.spend / nullif(t.leads, 0) end as cpl,
        case when not t.has_fx_missing then t.spend / nullif(t.won_deals, 0) end as cac,
        case when not t.has_fx_missing then t.revenue_won / nullif(t.spend, 0) end as roas
    from with_totals as t
    inner join windows as w
        on t.campaign_id = w.campaign_id
)

select * from final
