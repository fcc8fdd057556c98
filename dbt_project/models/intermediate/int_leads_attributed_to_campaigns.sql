-- Each lead's credit per attribution model: one row per touch of a lead, the touch's share of
-- the lead under each model in its own column (weight_<model>, 0 when the model does not credit
-- the touch); per lead and model the shares sum to 1. Touches that match no campaign get no
-- credit, unless none matched: then the lead is unattributed (campaign_id NULL) and its weight
-- is spread over its touches.
--   first_touch / last_touch  the one touch gets 1
--   linear                    1 / distinct campaigns touched, split over that campaign's touches
--   position_based            40/20/40 over the credited touches in order: first and last 0.4,
--                             the middle ones share 0.2; with only a first and a last touch
--                             (what CRMs export) that is 50/50, and 1 when only one is credited
-- One row per touch, not per touch and model: a third of the rows to write and test; readers
-- take one row per model and credited touch through macro lead_credit_by_model.
with

touches as (
    select * from {{ ref('int_crm_touches_matched_to_campaigns') }}
    where is_lead
),

-- What the weights depend on, by aggregation (hash group-bys, not window sorts): first per
-- lead and campaign (campaign_id NULL: the touches that matched none), then per lead from those
-- few rows, attached to each of them, so each touch finds all it needs in one join. When a lead
-- has matched touches only those are credited, otherwise all of its touches are.
campaign_counts as (
    select
        person_key,
        campaign_id,
        count(*) as campaign_touches,
        min(touch_position) as first_position,
        max(touch_position) as last_position
    from touches
    group by person_key, campaign_id
),

person_stats as (
    select
        person_key,
        cast(sum(campaign_touches) as bigint) as all_touches,
        cast(coalesce(sum(campaign_touches) filter (where campaign_id is not null), 0) as bigint)
            as matched_touches,
        count(campaign_id) as campaigns_touched,
        min(first_position) filter (where campaign_id is not null) as first_matched_position,
        max(last_position) filter (where campaign_id is not null) as last_matched_position,
        min(first_position) as first_position,
        max(last_position) as last_position
    from campaign_counts
    group by person_key
),

campaign_stats as (
    select
        c.person_key,
        c.campaign_id,
        c.campaign_touches,
        s.campaigns_touched,
        s.matched_touches,
        case when s.matched_touches > 0 then s.matched_touches else s.all_touches end
            as credited_touches,
        case when s.matched_touches > 0 then s.first_matched_position else s.first_position end
            as first_credited_position,
        case when s.matched_touches > 0 then s.last_matched_position else s.last_position end
            as last_credited_position
    from campaign_counts as c
    inner join person_stats as s
        on c.person_key = s.person_key
),

credited as (
    select
        t.*,
        c.campaigns_touched,
        c.credited_touches,
        c.campaign_touches,
        t.campaign_id is not null or c.matched_touches = 0 as is_credited,
        t.touch_position in (c.first_credited_position, c.last_credited_position)
            as is_first_or_last_credited
    from touches as t
    inner join campaign_stats as c
        on t.person_key = c.person_key
        and t.campaign_id is not distinct from c.campaign_id
),

final as (
    select
        person_key,
        crm,
        person_id,
        lead_at,
        lead_date,
        touch,
        touch_source,
        touch_detail,
        touch_campaign,
        platform,
        campaign_id,
        match_rule,
        case when touch = 'first_touch' then 1.0 else 0.0 end as weight_first_touch,
        case when touch = 'last_touch' then 1.0 else 0.0 end as weight_last_touch,
        case
            when not is_credited then 0.0
            when campaigns_touched = 0 then 1.0 / credited_touches
            else 1.0 / campaigns_touched / campaign_touches
        end as weight_linear,
        case
            when not is_credited then 0.0
            when credited_touches = 1 then 1.0
            when credited_touches = 2 then 0.5
            when is_first_or_last_credited then 0.4
            else 0.2 / (credited_touches - 2)
        end as weight_position_based,
        _loaded_at
    from credited
)

select * from final
