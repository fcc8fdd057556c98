{#-
    The incremental matched models (int_posts_matched_to_campaigns,
    int_sessions_matched_to_campaigns): a later run matches again only the rows whose file was
    loaded after the newest load the table was built from; a row that comes back replaces the
    old one (delete+insert on the model's key: a newer snapshot of a post replaces its match).
    Every row is matched again when the table is empty or the plan was reloaded since (any
    match can move). `loaded_at` is the rows' load time (their file's). Outside an incremental
    run the condition is `true`. Edited seeds or matching macros need a --full-refresh.
-#}
{% macro matched_since_last_build(loaded_at) -%}
    {%- if is_incremental() -%}
    (
        {{ loaded_at }} > (select coalesce(max(_loaded_at), cast('1900-01-01' as timestamp))
                           from {{ this }})
        or coalesce(
            (
                select max(f.loaded_at)
                from {{ ref('stg_plan__campaigns') }} as c
                inner join {{ ref('stg_ingest__files') }} as f
                    on c._file_id = f.file_id
            ) > (select max(_loaded_at) from {{ this }}),
            true
        )
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
