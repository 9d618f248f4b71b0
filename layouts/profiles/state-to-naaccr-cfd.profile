# crtk export profile: state-to-naaccr-cfd
# The NAACCR Call for Data (certification and CiNA): incidence cases of residents,
# diagnoses 1995 through submission year - 2 (year - 1 may follow "for evaluation only").
# NAACCR names the record layout version each year: change naaccr_version accordingly.
description = Central registry to the NAACCR Call for Data (record type I)
receiver = NAACCR (files handled by IMS)
transport = NAACCR CFD upload
frequency = annual
due = early December

format = xml
naaccr_version = 250
record_type = I
tier = incidence
registry_type = 1
registry_id =

dx_years = 1995..year-2
reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
# resident_of = TX
facility_restriction = keep

# The year's CFD edits metafile: edits = /path/CFD-edits.smf and edit_set = its tag.
edits = shipped
edit_set = naaccr-cfd
gate = block

stamp = dateCaseReportExported
file_name = {registryId}_CFD_{fromDate}-{toDate}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
