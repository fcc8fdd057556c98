{#- dbt.type_float() renders `float`, which is double precision on Postgres, Snowflake and
    BigQuery (FLOAT64) but single precision (REAL) on DuckDB: weights and money would lose
    digits. This project's DuckDB floats are doubles, like everywhere else. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}
