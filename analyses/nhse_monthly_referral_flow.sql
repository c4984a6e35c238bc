-- `dbt compile --select nhse_monthly_referral_flow` writes the runnable SQL to target/compiled/.
{{ nhse_monthly_referral_flow() }}
