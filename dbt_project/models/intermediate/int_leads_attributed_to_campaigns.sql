-- Each lead's credit per attribution model, one row per credited touch; weights sum to 1 per
-- lead and model. Touches that match no campaign get no credit, unless none matched: then the
-- lead is unattributed (campaign_id NULL) and its weight is spread over its touches.
--   first_touch / last_touch  the one touch gets 1
--   linear                    1 / distinct campaigns touched, split over that campaign's touches
--   position_based            40/20/40 over the credited touches in order: first and last 0.4,
--                             the middle ones share 0.2; with only a first and a last touch
--                             (what CRMs export) that is 50/50, and 1 when only one is credited
with

touches as (
    select * from {{ ref('int_crm_touches_matched_to_campaigns') }}
    where is_lead
),

models as (
    {{ attribution_models_relation() }}
),

model_touches as (
    select m.attribution_model, t.*
    from touches as t
    cross join models as m
    where m.attribution_model in ('linear', 'position_based')
        or m.attribution_model = t.touch
),

matched_counts as (
    select
        person_key,
        attribution_model,
        count(campaign_id) as matched_touches,
        count(distinct campaign_id) as campaigns_touched
    from model_touches
    group by person_key, attribution_model
),

credited as (
    select
        t.*,
        c.campaigns_touched,
        count(*) over (partition by t.person_key, t.attribution_model) as credited_touches,
        count(*) over (
            partition by t.person_key, t.attribution_model, t.campaign_id
        ) as campaign_touches,
        row_number() over (
            partition by t.person_key, t.attribution_model order by t.touch_position
        ) as credit_position
    from model_touches as t
    inner join matched_counts as c
        on t.person_key = c.person_key
        and t.attribution_model = c.attribution_model
    where t.campaign_id is not null
        or c.matched_touches = 0
),

weighted as (
    select
        *,
        case
            when attribution_model in ('first_touch', 'last_touch') then 1.0
            when attribution_model = 'linear' and campaigns_touched = 0 then 1.0 / credited_touches
            when attribution_model = 'linear' then 1.0 / campaigns_touched / campaign_touches
            when credited_touches = 1 then 1.0
            when credited_touches = 2 then 0.5
            when credit_position in (1, credited_touches) then 0.4
            else 0.2 / (credited_touches - 2)
        end as weight
    from credited
),

final as (
    select
        person_key,
        crm,
        person_id,
        lead_at,
        lead_date,
        attribution_model,
        touch,
        touch_source,
        touch_detail,
        touch_campaign,
        platform,
        campaign_id,
        match_rule,
        weight,
        _loaded_at
    from weighted
)

select * from final
