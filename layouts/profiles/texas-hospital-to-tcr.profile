# crtk export profile: texas-hospital-to-tcr
# Example of a state's own profile, from the public Texas Cancer Registry rules: a
# hospital reports to TCR every tumor of behavior 2 or 3 (minus TCR non-reportables) and
# benign/borderline intracranial and CNS tumors, with text documentation (record type A);
# monthly when the caseload is over 400, otherwise quarterly; via Web Plus; all cases must
# pass the TCR edits before submission (TCR publishes its own edit set: give its metafile
# with edits = /path/TCR.smf and edit_set = its tag).
description = Texas hospital to the Texas Cancer Registry (record type A, example)
receiver = Texas Cancer Registry (TCR)
transport = Web Plus upload
frequency = monthly if caseload > 400, otherwise quarterly
due = within 6 months of diagnosis or first contact

format = xml
naaccr_version = 250
record_type = A
tier = full
registry_type = 3
registry_id =

reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
class_of_case = 00-22,30-49,99

# "All cases must pass the TCR edits prior to submitting": block.
edits = shipped
edit_set = hospital-to-state
gate = block

stamp = dateCaseReportExported
file_name = {facilityId}_TCR_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
