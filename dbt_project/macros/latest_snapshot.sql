{#-
    Post-level exports carry lifetime totals as of the download, and re-downloads repeat rows:
    keep, per natural key, the row of the newest export (never sum snapshots). `key` is a list
    of column names or expressions.
-#}
{% macro latest_snapshot(key) -%}
    qualify row_number() over (
        partition by {{ key | join(', ') }}
        order by _exported_at desc, _file_id desc, _row desc
    ) = 1
{%- endmacro %}
