{#-
    Post-level exports carry lifetime totals as of the download, and re-downloads repeat rows:
    keep, per natural key, the row of the newest export (never sum snapshots). `key` is a list
    of column names or expressions of `relation`, a raw table. Emits a select.

    The window that ranks the snapshots runs on the key and the row's identity only (its file
    and line), not on the whole rows; the rows it keeps are then joined back: on millions of
    wide CRM rows that is a third faster than ranking the rows themselves.

    `scope` (optional): a required column of `relation` that the model's output carries under
    the same name, and the model's incremental `unique_key` (the post id; the day of a GA4
    export). In an incremental run only the rows whose `scope` value occurs in a file loaded
    since the table was built (macro files_since_last_build) are ranked, over every snapshot of
    those values, so the rows that replace them (delete+insert on `scope`) are those a full
    rebuild would keep.
-#}
{% macro latest_snapshot(relation, key, scope=none) -%}
    {%- if scope is not none -%}
        {#- called at parse time too, when is_incremental() is false: dbt learns the model
            reads the ingest manifest (files_since_last_build) -#}
        {%- do ref('stg_ingest__files') -%}
    {%- endif -%}
    {%- if scope is not none and is_incremental() -%}
        {%- set rows -%}
        (
            select * from {{ relation }}
            where {{ scope }} in (
                select {{ scope }} from {{ relation }}
                where _file_id in ({{ files_since_last_build() }})
            )
        )
        {%- endset -%}
    {%- else -%}
        {%- set rows = relation -%}
    {%- endif %}
    select snapshot_rows.*
    from {{ rows }} as snapshot_rows
    inner join (
        select _file_id, _row
        from (
            select
                {%- for expr in key %}
                {{ expr }} as _key_{{ loop.index }},
                {%- endfor %}
                _exported_at,
                _file_id,
                _row
            from {{ rows }}
        ) as ranked
        qualify row_number() over (
            partition by {% for expr in key %}_key_{{ loop.index }}{% if not loop.last %}, {% endif %}{% endfor %}
            order by _exported_at desc, _file_id desc, _row desc
        ) = 1
    ) as newest
        on snapshot_rows._file_id = newest._file_id
        and snapshot_rows._row = newest._row
{%- endmacro %}

{#-
    The files (their file_id) loaded after the newest file the incremental model `this` holds
    rows of: the files an incremental staging run reads. A file none of whose rows the table
    kept (every row superseded by a newer snapshot) is read again by later runs, which changes
    nothing.
-#}
{% macro files_since_last_build() -%}
    select file_id from {{ ref('stg_ingest__files') }}
    where loaded_at > (
        select coalesce(max(f.loaded_at), cast('1900-01-01' as timestamp))
        from {{ ref('stg_ingest__files') }} as f
        where f.file_id in (select distinct _file_id from {{ this }})
    )
{%- endmacro %}
