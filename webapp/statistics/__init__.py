"""Overdue-case and emergency-fault reports, and the monthly 领导批示件月报表 of each handling unit."""
