-- Each post matched to one campaign by the first rule that applies (DESIGN.md):
-- 1 utm_campaign in a URL, 2 a campaign-name field, 3 the plan's hashtag within its dates.
with

posts as (
    select * from {{ ref('stg_x__posts') }}
),

campaigns as (
    select * from {{ ref('stg_plan__campaigns') }}
),

with_keys as (
    select
        *,
        lower(regexp_extract(
            coalesce(post_text, '') || ' ' || coalesce(post_url, ''),
            'utm_campaign=([^&#\s"'']+)', 1
        )) as url_utm_campaign,
        {{ normalise_name('campaign_label') }} as label_key,
    from posts
),

matched as (
    select
        p.*,
        coalesce(by_url.campaign_id, by_name.campaign_id, by_hashtag.campaign_id) as campaign_id,
        case
            when by_url.campaign_id is not null then 'utm_in_url'
            when by_name.campaign_id is not null then 'campaign_name'
            when by_hashtag.campaign_id is not null then 'hashtag'
            else 'unattributed'
        end as match_rule,
    from with_keys as p
    left join campaigns as by_url
        on nullif(p.url_utm_campaign, '') = by_url.utm_campaign
    left join campaigns as by_name
        on p.label_key in (by_name.utm_campaign_key, by_name.campaign_name_key)
    left join campaigns as by_hashtag
        on by_hashtag.hashtag is not null
        and regexp_matches(lower(p.post_text), '(^|[^\w])' || by_hashtag.hashtag || '($|[^\w])')
        and p.published_date between by_hashtag.start_date and by_hashtag.end_date
    qualify row_number() over (
        partition by p.platform, p.post_id
        order by by_url.campaign_id, by_name.campaign_id, by_hashtag.campaign_id
    ) = 1
)

select * from matched
