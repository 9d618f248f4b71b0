# crtk export profile: state-to-npcr
# A central registry's annual NPCR-CSS submission to CDC: incidence record type I (no
# patient identifiers), residents only, diagnoses from the NPCR reference year through
# the 24-month year (submission year - 2). Set resident_of to your state
# (crtk export --set resident_of=TX ...) and the years for the call you answer.
description = Central registry to CDC NPCR Cancer Surveillance System (record type I)
receiver = CDC NPCR-CSS
transport = NPCR-CSS secure upload
frequency = annual
due = November

format = xml
naaccr_version = 250
record_type = I
tier = incidence
registry_type = 1
registry_id =

# 24-month data; add the 12-month year with dx_years = 1995..year-1
dx_years = 1995..year-2
reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
# resident_of = TX
# National surveillance may receive restricted-facility records (item 1856 codes 01-07).
facility_restriction = keep

edits = shipped
edit_set = npcr
gate = block

stamp = dateCaseReportExported
file_name = {registryId}_NPCR_{fromDate}-{toDate}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
