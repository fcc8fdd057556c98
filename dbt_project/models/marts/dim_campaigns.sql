-- The campaign plan, one row per campaign, with what was observed for it: the platforms it
-- ran on, its first and last activity (posts, ad days, web sessions matched to it) and counts.
with

campaigns as (select * from {{ ref('stg_plan__campaigns') }}),
activities as (select * from {{ ref('int_activities_unioned') }} where campaign_id is not null),

platforms as (
    select distinct campaign_id, platform
    from activities
),

platform_lists as (
    select
        campaign_id,
        count(*) as platform_count,
        {{ dbt.listagg('platform', "', '", 'order by platform') }} as platforms
    from platforms
    group by campaign_id
),

observed as (
    select
        campaign_id,
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date,
        sum(case when activity_type = 'post' then 1 else 0 end) as posts,
        sum(case when activity_type = 'ad_day' then 1 else 0 end) as ad_days,
        sum(case when activity_type = 'web_day' then sessions else 0 end) as sessions
    from activities
    group by campaign_id
),

final as (
    select
        c.campaign_id,
        c.campaign_name,
        c.utm_campaign,
        c.hashtag,
        c.channel,
        c.start_date,
        c.end_date,
        cast(
            {{ dbt.dateadd('day', var('attribution_window_days'), 'c.end_date') }} as date
        ) as window_end_date,
        c.budget,
        c.currency as budget_currency,
        coalesce(p.platform_count, 0) as platform_count,
        p.platforms,
        o.first_activity_date,
        o.last_activity_date,
        cast(coalesce(o.posts, 0) as {{ dbt.type_bigint() }}) as posts,
        cast(coalesce(o.ad_days, 0) as {{ dbt.type_bigint() }}) as ad_days,
        cast(coalesce(o.sessions, 0) as {{ dbt.type_bigint() }}) as sessions,
        o.campaign_id is not null as has_activity
    from campaigns as c
    left join platform_lists as p
        on c.campaign_id = p.campaign_id
    left join observed as o
        on c.campaign_id = o.campaign_id
)

select * from final
