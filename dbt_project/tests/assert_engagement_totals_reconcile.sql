-- Nothing lost, nothing counted twice: per platform, impressions, engagements and clicks of the
-- staging posts and ad rows (latest snapshots) equal the daily funnel (attributed) plus the
-- unattributed mart. Engagements are recomputed here from their components.
with

posts as (
    {%- for model in ['stg_meta__posts', 'stg_instagram__posts', 'stg_linkedin__posts',
                      'stg_x__posts', 'stg_tiktok__videos', 'stg_youtube__videos',
                      'stg_pinterest__pins'] %}
    select platform, impressions, likes, comments, shares, saves, clicks from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

ads as (
    {%- for model in ['stg_meta__ad_days', 'stg_linkedin__ad_days', 'stg_tiktok__ad_days'] %}
    select platform, impressions, engagements, clicks from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

staging as (
    select
        platform,
        sum(coalesce(impressions, 0)) as impressions,
        sum(
            coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)
        ) as engagements,
        sum(coalesce(clicks, 0)) as clicks
    from posts
    group by platform
    union all
    select
        platform,
        sum(coalesce(impressions, 0)),
        sum(coalesce(engagements, 0)),
        sum(coalesce(clicks, 0))
    from ads
    group by platform
),

marts as (
    select platform, impressions, engagements, clicks from {{ ref('fct_campaign_funnel_daily') }}
    union all
    select platform, impressions, engagements, clicks from {{ ref('unattributed') }}
    where record_type in ('post', 'ad_day')
),

compared as (
    select
        coalesce(s.platform, m.platform) as platform,
        s.impressions as staging_impressions, m.impressions as mart_impressions,
        s.engagements as staging_engagements, m.engagements as mart_engagements,
        s.clicks as staging_clicks, m.clicks as mart_clicks
    from (
        select platform, sum(impressions) as impressions, sum(engagements) as engagements,
            sum(clicks) as clicks
        from staging group by platform
    ) as s
    full outer join (
        select platform, sum(coalesce(impressions, 0)) as impressions,
            sum(coalesce(engagements, 0)) as engagements, sum(coalesce(clicks, 0)) as clicks
        from marts group by platform
    ) as m
        on s.platform = m.platform
)

select * from compared
where coalesce(staging_impressions, 0) <> coalesce(mart_impressions, 0)
    or coalesce(staging_engagements, 0) <> coalesce(mart_engagements, 0)
    or coalesce(staging_clicks, 0) <> coalesce(mart_clicks, 0)
