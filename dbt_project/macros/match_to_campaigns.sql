{#-
    DESIGN.md, "Joining engagement to conversions": each row goes to one campaign of the plan,
    by the first rule that applies:
      1 utm_in_url     utm_campaign= in a URL the row carries equals the plan's utm_campaign
      2 campaign_name  a campaign-name field equals the plan's utm_campaign or campaign_name
      3 hashtag        the plan's hashtag in the text, published within the campaign's dates
                       (a campaign without end_date is still running: open-ended)
    (names compared after normalise_name). A row matching nothing keeps campaign_id NULL and
    match_rule 'unattributed': it is never dropped. Ties within one rule go to the smallest
    campaign_id, so the result is deterministic.

    Emits CTEs (to be followed by the caller's own) ending in `matched`: every column of
    `rows` plus campaign_id, match_rule and _campaign_loaded_at (when the plan row was loaded,
    from `files`, the ingest manifest). `rows` must have the columns _match_key (unique per
    row), _match_url, _match_label, _match_text, _match_date. Many rows that carry the same
    values (CRM touches, web sessions) are best matched once per distinct combination, by the
    caller, and joined back (see int_crm_touches_matched_to_campaigns).
-#}
{% macro match_to_campaigns(rows, campaigns, files) -%}
-- The regular expressions run once per distinct label and only on texts holding a
-- utm_campaign=, not on each of millions of rows.
match_keys as (
    select
        _match_key,
        _match_label,
        case when {{ dbt.position("'utm_campaign='", '_match_url') }} > 0
            then {{ normalise_name(extract_utm_campaign('_match_url')) }}
        end as url_utm_key
    from {{ rows }}
),

match_labels as (
    select _match_label, {{ normalise_name('_match_label') }} as label_key
    from (select distinct _match_label from {{ rows }} where _match_label is not null) as l
),

match_hashtags as (
    {{ hashtags_in(rows, '_match_key', '_match_text', carry=['_match_date']) }}
),

match_candidates as (
    select k._match_key, c.campaign_id, 1 as rule_rank, 'utm_in_url' as match_rule
    from match_keys as k
    inner join {{ campaigns }} as c
        on k.url_utm_key = c.utm_campaign_key
    union all
    select k._match_key, c.campaign_id, 2 as rule_rank, 'campaign_name' as match_rule
    from match_keys as k
    inner join match_labels as l
        on k._match_label = l._match_label
    inner join {{ campaigns }} as c
        on l.label_key = c.utm_campaign_key
        or l.label_key = c.campaign_name_key
    union all
    select h._match_key, c.campaign_id, 3 as rule_rank, 'hashtag' as match_rule
    from match_hashtags as h
    inner join {{ campaigns }} as c
        on h.hashtag = c.hashtag
        and h._match_date >= c.start_date
        and (c.end_date is null or h._match_date <= c.end_date)
),

-- the first rule that applies, then the smallest campaign_id (aggregations, not a sort)
best_ranks as (
    select _match_key, min(rule_rank) as rule_rank
    from match_candidates
    group by _match_key
),

best_matches as (
    select
        c._match_key,
        min(c.campaign_id) as campaign_id,
        min(c.match_rule) as match_rule
    from match_candidates as c
    inner join best_ranks as b
        on c._match_key = b._match_key
        and c.rule_rank = b.rule_rank
    group by c._match_key
),

matched as (
    select
        r.*,
        b.campaign_id,
        coalesce(b.match_rule, 'unattributed') as match_rule,
        f.loaded_at as _campaign_loaded_at
    from {{ rows }} as r
    left join best_matches as b
        on r._match_key = b._match_key
    left join {{ campaigns }} as c
        on b.campaign_id = c.campaign_id
    left join {{ files }} as f
        on c._file_id = f.file_id
)
{%- endmacro %}
