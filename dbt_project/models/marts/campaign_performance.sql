with

campaigns as (
    select * from {{ ref('stg_plan__campaigns') }}
),

posts as (
    select * from {{ ref('int_posts_matched_to_campaigns') }}
    where campaign_id is not null
),

leads as (
    select * from {{ ref('int_leads_attributed_to_campaigns') }}
    where touch = '{{ var("attribution_model") }}'
),

engagement as (
    select
        campaign_id,
        count(*) as posts,
        sum(impressions) as impressions,
        sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0)
            + coalesce(saves, 0)) as engagements,
    from posts
    group by campaign_id
),

conversions as (
    select campaign_id, count(distinct contact_id) as leads,
    from leads
    group by campaign_id
),

final as (
    select
        c.campaign_id,
        c.campaign_name,
        c.utm_campaign,
        c.start_date,
        c.end_date,
        '{{ var("attribution_model") }}' as attribution_model,
        coalesce(e.posts, 0) as posts,
        coalesce(e.impressions, 0) as impressions,
        coalesce(e.engagements, 0) as engagements,
        coalesce(v.leads, 0) as leads,
        1000.0 * v.leads / nullif(e.engagements, 0) as lead_rate_per_1000,
    from campaigns as c
    left join engagement as e on c.campaign_id = e.campaign_id
    left join conversions as v on c.campaign_id = v.campaign_id
)

select * from final
