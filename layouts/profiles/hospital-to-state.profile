# crtk export profile: hospital-to-state
# A hospital (or other facility) sends its state central cancer registry the abstracts
# completed since its last submission. Copy this file and adapt it to your state
# (crtk export --profile my-state.profile ...); docs/export.md lists every key.
description = Facility abstracts to the state central cancer registry (record type A)
receiver = state/territorial central cancer registry
transport = the state's portal (Web Plus upload, SFTP, ...)
frequency = monthly
due = within 6 months of diagnosis or first contact

# Output: NAACCR XML 25 (the state says when it accepts a newer version).
format = xml
naaccr_version = 250
record_type = A
tier = full
# State items are declared in the state's user dictionary:
# user_dictionary = my-state-dictionary.xml

# Sender (root items): a single hospital is registry type 3.
registry_type = 3
registry_id =
# facility_id = 0000001234

# Selection: reportable tumors, analytic and non-analytic, of any residence.
reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
not_reportable = prostate-pin3: site C619 histology 8148 behavior 2
class_of_case = 00-22,30-49,99

# Edit gate: tumors failing the state's edit set go to a rejects file, the rest are sent.
edits = shipped
edit_set = hospital-to-state
gate = exclude

stamp = dateCaseReportExported
file_name = {facilityId}_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
tumor_key = patientIdNumber,tumorRecordNumber
