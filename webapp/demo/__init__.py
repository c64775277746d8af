"""The demo organisation: a province, a city with its counties, townships and departments."""
