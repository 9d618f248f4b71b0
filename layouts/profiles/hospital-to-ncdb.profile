# crtk export profile: hospital-to-ncdb
# A CoC-accredited facility's submission to the National Cancer Database through the
# Rapid Cancer Reporting System (RCRS): analytic cases (class of case 00-22), no patient
# identifiers (NAACCR: identifying items are not transmitted to NCDB), so record type I.
# Set dx_years to the program's reference date.
description = CoC facility to NCDB via RCRS (analytic cases, record type I)
receiver = ACS CoC National Cancer Database (RCRS)
transport = RCRS portal
frequency = monthly

format = xml
naaccr_version = 250
record_type = I
tier = incidence
registry_type = 3
registry_id =

reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
class_of_case = 00-22
# dx_years = 2010..year

edits = shipped
edit_set = coc-ncdb
gate = block

stamp = dateCaseReportExported
file_name = {facilityId}_NCDB_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
