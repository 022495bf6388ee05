//! One small file in each list layout Steward reads, with invented entries: for tests, the fuzz
//! targets' seed corpus, and documentation of the layouts. The product ships no real list.

pub const SDN: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
2674,\"PETROV, Ivan Sergeyevich\",\"individual\",\"[RUSSIA-EO14024]\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 01 Jan 1970.\"\r\n\
\u{1a}";
pub const ALT: &str = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n2674,13,\"aka\",\"PETROV, Ivan\",-0- \r\n";
pub const ADD: &str = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n";

pub const UK: &str = "Last Updated,28/11/2026\n\
Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Country,Group Type,Alias Type,Regime,Listed On,Group ID\n\
ROSTEC STATE CORPORATION,,,,,,,,Russia,Entity,Primary name,Russia,15/03/2022,14190\n\
ROSTEKH,,,,,,,Ростех,Russia,Entity,AKA,Russia,15/03/2022,14190\n\
PETROV,Ivan,Sergeyevich,,,,Mr,,Russia,Individual,Primary name,Russia,15/03/2022,14201\n";

pub const EU: &str = "fileGenerationDate;Entity_LogicalId;Entity_SubjectType;Entity_SubjectType_ClassificationCode;Entity_Regulation_Programme;NameAlias_LastName;NameAlias_FirstName;NameAlias_WholeName;Citizenship_CountryIso2Code;Address_CountryIso2Code\n\
2026-11-27T10:00:00;13;E;enterprise;RUS;;;Almaz-Antey Air and Space Defence Corporation;;RU\n\
2026-11-27T10:00:00;13;E;enterprise;RUS;;;Концерн ВКО Алмаз-Антей;;RU\n\
2026-11-27T10:00:00;27;P;person;PRK;KIM;Jong Sik;Kim Jong Sik;KP;\n";

pub const CSL: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,alt_names,citizenships,nationalities\n\
a1,Entity List (EL) - Bureau of Industry and Security,,Entity,,Harbin Institute of Technology,,\"92 West Dazhi Street, Harbin, CN\",85 FR 34495,2020-06-05,,HIT; Harbin Gongye Daxue,,\n\
a2,Specially Designated Nationals (SDN) - Treasury Department,2674,Individual,RUSSIA-EO14024,\"PETROV, Ivan Sergeyevich\",,,,,,,RU,RU\n";

pub const GENERIC: &str = "name,aliases,country,list,reference\n\
Ferrant Cryogenix Holdings,Ferrant Kryo,DE,Internal watch list,W-1\n\
Northwind Precision Optics,,CN,Internal watch list,W-2\n";

pub const OFAC_XML: &str = r#"<?xml version="1.0" standalone="yes"?>
<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation>
    <Publish_Date>11/27/2026</Publish_Date>
    <Record_Count>2</Record_Count>
  </publshInformation>
  <sdnEntry>
    <uid>36</uid>
    <lastName>AEROCARIBBEAN AIRLINES</lastName>
    <sdnType>Entity</sdnType>
    <programList><program>CUBA</program></programList>
    <akaList>
      <aka><uid>12</uid><type>a.k.a.</type><category>strong</category><lastName>AERO-CARIBBEAN</lastName></aka>
    </akaList>
    <addressList><address><uid>25</uid><city>Havana</city><country>Cuba</country></address></addressList>
  </sdnEntry>
  <sdnEntry>
    <uid>2674</uid>
    <firstName>Ivan Sergeyevich</firstName>
    <lastName>PETROV</lastName>
    <sdnType>Individual</sdnType>
    <programList><program>RUSSIA-EO14024</program></programList>
    <akaList><aka><uid>13</uid><type>a.k.a.</type><category>weak</category><firstName>Ivan</firstName><lastName>PETROV &amp; SONS</lastName></aka></akaList>
  </sdnEntry>
</sdnList>
"#;

pub const EU_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-27T10:00:00.000+01:00" globalFileId="128001">
  <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.13.1" logicalId="13">
    <regulation regulationType="regulation" programme="RUS" logicalId="1"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Almaz-Antey Air and Space Defence Corporation" logicalId="101"/>
    <nameAlias wholeName="Концерн ВКО Алмаз-Антей" logicalId="102"/>
    <address countryIso2Code="RU" countryDescription="RUSSIAN FEDERATION" logicalId="103"/>
  </sanctionEntity>
  <sanctionEntity logicalId="27">
    <regulation programme="PRK"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Jong Sik" lastName="KIM" wholeName="Kim Jong Sik"/>
    <citizenship countryIso2Code="KP"/>
  </sanctionEntity>
</export>
"#;
