/**
 * The vaccine codes the FHIR mapping accepts and the vaccine groups (immunization/v1's
 * `vaccineGroup`, core/schemas.ts) each one protects against: the one table from a coded vaccine
 * to its groups. Code systems: CVX (CDC's vaccines administered, `http://hl7.org/fhir/sid/cvx`,
 * the system R4's vaccine-code value set and SMART Health Cards use) and SNOMED CT
 * (`http://snomed.info/sct`, vaccine product concepts). A code missing here is refused
 * (FHIR_UNKNOWN_CODE), never mapped by its display text.
 *
 * Sources: CVX codes and names from the CDC CVX table
 * (https://www2.cdc.gov/vaccines/iis/iisstandards/vaccines.asp?rpt=cvx); SNOMED CT concepts from
 * the SNOMED CT International Edition "vaccine product" hierarchy.
 */
import type { VaccineGroup } from "../core/schemas.js";

export const CVX = "http://hl7.org/fhir/sid/cvx";
export const SNOMED_CT = "http://snomed.info/sct";

/** The code systems accepted for Immunization.vaccineCode. */
export const VACCINE_CODE_SYSTEMS: readonly string[] = [CVX, SNOMED_CT];

/** One accepted vaccine code: its name, and the groups (diseases) a dose of it counts for. */
export interface VaccineCode {
  name: string;
  groups: readonly VaccineGroup[];
}

const v = (name: string, ...groups: VaccineGroup[]): VaccineCode => ({ name, groups });

/** Accepted vaccine codes by system, then code. */
export const VACCINE_CODES: Readonly<Record<string, Readonly<Record<string, VaccineCode>>>> = {
  [CVX]: {
    "03": v("MMR", "measles", "mumps", "rubella"),
    "05": v("measles", "measles"),
    "06": v("rubella", "rubella"),
    "07": v("mumps", "mumps"),
    "94": v("MMRV", "measles", "mumps", "rubella", "varicella"),
    "21": v("varicella", "varicella"),
    "20": v("DTaP", "diphtheria", "tetanus", "pertussis"),
    "106": v("DTaP, 5 pertussis antigens", "diphtheria", "tetanus", "pertussis"),
    "107": v("DTaP, unspecified formulation", "diphtheria", "tetanus", "pertussis"),
    "115": v("Tdap", "tetanus", "diphtheria", "pertussis"),
    "09": v("Td (adult), adsorbed", "tetanus", "diphtheria"),
    "113": v("Td (adult) preservative free", "tetanus", "diphtheria"),
    "139": v("Td (adult), unspecified formulation", "tetanus", "diphtheria"),
    "10": v("IPV", "polio"),
    "89": v("polio, unspecified formulation", "polio"),
    "08": v("Hep B, adolescent or pediatric", "hepatitisB"),
    "43": v("Hep B, adult", "hepatitisB"),
    "45": v("Hep B, unspecified formulation", "hepatitisB"),
    "52": v("Hep A, adult", "hepatitisA"),
    "83": v("Hep A, ped/adol, 2 dose", "hepatitisA"),
    "85": v("Hep A, unspecified formulation", "hepatitisA"),
    "104": v("Hep A-Hep B", "hepatitisA", "hepatitisB"),
    "17": v("Hib, unspecified formulation", "hib"),
    "48": v("Hib (PRP-T)", "hib"),
    "49": v("Hib (PRP-OMP)", "hib"),
    "62": v("HPV, quadrivalent", "hpv"),
    "118": v("HPV, bivalent", "hpv"),
    "137": v("HPV, unspecified formulation", "hpv"),
    "165": v("HPV9", "hpv"),
    "33": v("pneumococcal polysaccharide PPV23", "pneumococcal"),
    "109": v("pneumococcal, unspecified formulation", "pneumococcal"),
    "133": v("Pneumococcal conjugate PCV 13", "pneumococcal"),
    "152": v("Pneumococcal Conjugate, unspecified formulation", "pneumococcal"),
    "108": v("meningococcal ACWY, unspecified formulation", "meningococcal"),
    "114": v("meningococcal MCV4P", "meningococcal"),
    "136": v("Meningococcal MCV4O", "meningococcal"),
    "147": v("Meningococcal MCV4, unspecified formulation", "meningococcal"),
    "116": v("rotavirus, pentavalent", "rotavirus"),
    "119": v("rotavirus, monovalent", "rotavirus"),
    "122": v("rotavirus, unspecified formulation", "rotavirus"),
    "37": v("yellow fever", "yellowFever"),
    "19": v("BCG", "tuberculosis"),
    "121": v("zoster live", "zoster"),
    "187": v("zoster recombinant", "zoster"),
    "188": v("zoster, unspecified formulation", "zoster"),
    "88": v("influenza, unspecified formulation", "influenza"),
    "140": v("Influenza, seasonal, injectable, preservative free", "influenza"),
    "141": v("Influenza, seasonal, injectable", "influenza"),
    "150": v("Influenza, injectable, quadrivalent, preservative free", "influenza"),
    "158": v("influenza, injectable, quadrivalent, contains preservative", "influenza"),
    "161": v("Influenza, injectable, quadrivalent, preservative free, pediatric", "influenza"),
    "207": v("COVID-19, mRNA, LNP-S, PF, 100 mcg/0.5mL dose or 50 mcg/0.25mL dose", "covid19"),
    "208": v("COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose", "covid19"),
    "210": v("COVID-19 vaccine, vector-nr, rS-ChAdOx1, PF, 0.5 mL", "covid19"),
    "211": v("COVID-19, subunit, rS-nanoparticle+Matrix-M1 Adjuvant, PF, 0.5 mL", "covid19"),
    "212": v("COVID-19 vaccine, vector-nr, rS-Ad26, PF, 0.5 mL", "covid19"),
    "213": v("SARS-COV-2 (COVID-19) vaccine, UNSPECIFIED", "covid19"),
    "217": v("COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose, tris-sucrose", "covid19"),
    "218": v("COVID-19, mRNA, LNP-S, PF, 10 mcg/0.2 mL dose, tris-sucrose", "covid19"),
    "219": v("COVID-19, mRNA, LNP-S, PF, 3 mcg/0.2 mL dose, tris-sucrose", "covid19"),
    "221": v("COVID-19, mRNA, LNP-S, PF, 50 mcg/0.5 mL dose", "covid19"),
    "228": v("COVID-19, mRNA, LNP-S, PF, pediatric 25 mcg/0.25 mL dose", "covid19"),
    "229": v("COVID-19, mRNA, LNP-S, bivalent, PF, 50 mcg/0.5 mL or 25 mcg/0.25 mL dose", "covid19"),
    "230": v("COVID-19, mRNA, LNP-S, bivalent, PF, 10 mcg/0.2 mL", "covid19"),
    "300": v("COVID-19, mRNA, LNP-S, bivalent, PF, 30 mcg/0.3 mL dose", "covid19"),
    "301": v("COVID-19, mRNA, LNP-S, bivalent, PF, 10 mcg/0.2 mL dose", "covid19"),
    "302": v("COVID-19, mRNA, LNP-S, bivalent, PF, 3 mcg/0.2 mL dose", "covid19"),
  },
  [SNOMED_CT]: {
    "871831003": v("Measles and mumps and rubella vaccine", "measles", "mumps", "rubella"),
    "836377006": v("Influenza virus antigen-containing vaccine product", "influenza"),
    "1181000221105": v("Influenza vaccine", "influenza"),
    "1119305005": v("SARS-CoV-2 antigen vaccine", "covid19"),
    "1119349007": v("SARS-CoV-2 mRNA vaccine", "covid19"),
  },
};

/**
 * The groups of the SNOMED CT disorders Immunization.protocolApplied.targetDisease names (R4
 * binding: immunization-target-disease, SNOMED CT), so a combination vaccine's dose numbers are
 * read per disease (Twinrix: dose 1 against hepatitis A, dose 2 against hepatitis B).
 */
export const TARGET_DISEASES: Readonly<Record<string, VaccineGroup>> = {
  "840539006": "covid19",
  "6142004": "influenza",
  "14189004": "measles",
  "36989005": "mumps",
  "36653000": "rubella",
  "38907003": "varicella",
  "397430003": "diphtheria",
  "76902006": "tetanus",
  "27836007": "pertussis",
  "398102009": "polio",
  "40468003": "hepatitisA",
  "66071002": "hepatitisB",
  "240532009": "hpv",
  "16814004": "pneumococcal",
  "23511006": "meningococcal",
  "18624000": "rotavirus",
  "16541001": "yellowFever",
  "56717001": "tuberculosis",
  "4740000": "zoster",
};
