/**
 * The commented example mission that `mozi mission init` writes: every key of the format, a
 * user-defined station (Matera, with its own 1.5 m receiver and no city light) next to a
 * reference station, and the defaults written out. JSON with comments (JSONC): `//` and
 * `/* *\/` comments and trailing commas are allowed in every mission file.
 */
export const EXAMPLE_MISSION = `// A Mozi mission file: JSON with comments (JSONC). Check it with
//   mozi mission check mission.jsonc
// which prints every value, filled-in defaults included, and where each came from.
// Units are in the key names (…Deg, …M, …Hz, …Ns, …Urad). Relative file names are
// resolved against this file's folder. Keys you leave out take the defaults shown.
{
  "name": "my-mission",
  "description": "Micius downlink to my own station at Matera",

  // The satellite, one of:
  //   "micius" or "jinan-1"                      element sets shipped with Mozi
  //   { "tle": "1 …\\n2 …" }                      inline TLE text (optionally a name line first)
  //   { "tleFile": "sat.tle" }                    a TLE file: one set, or many (see below)
  //   { "ommFile": "sat.json" } / { "omm": {…} }  OMM JSON (CelesTrak / Space-Track flavour)
  //   { "elementsFile": "history.txt" }           TLE or OMM, detected from the content
  // A file of several element sets of one satellite is a history: each pass uses the set
  // whose epoch is nearest. A file of several satellites needs "select": name or NORAD id,
  // e.g. { "tleFile": "active.tle", "select": 41731 }. Passes more than 30 days from their
  // element set's epoch are warned about; more than 365 days are refused.
  "satellite": "micius",

  // The transmitter on the satellite (default: the Micius transmitter, Liao et al. 2017).
  "transmitter": {
    "wavelengthNm": 848.6,
    "repetitionRateHz": 100e6,
    // mean photon numbers [signal, decoy, vacuum]: μ1 > μ2 + μ3 and μ2 > μ3 ≥ 0 (Lim et al. 2014)
    "intensities": [0.8, 0.1, 0],
    "intensityProbabilities": [0.5, 0.25, 0.25],
    "basisProbabilityZ": 0.5,
    "polarisationContrast": 280,
    "apertureM": 0.3,
    "divergenceUrad": { "x": 9, "y": 11 },
    "farFieldProfile": "flat-top",
    "pointingJitterUrad": 1.2,
    "pointingBiasUrad": 2
  },

  // A receiver for every station of this mission (any field below); each station may override
  // any of them in its own "receiver". Default: the Xinglong 1 m receiver WITHOUT city light.
  "receiver": {},

  "stations": [
    // a reference station by id (xinglong, nanshan, delingha, lijiang, ngari, graz): its
    // coordinates are built in; its receiver is the mission's (no city light)
    "graz",
    {
      "id": "matera",
      "name": "Matera MLRO",
      "latitudeDeg": 40.6486,
      "longitudeDeg": 16.7046,
      "altitudeM": 536,
      // a minimum elevation per azimuth (linearly interpolated), or one number for all azimuths
      "horizonMaskDeg": [
        { "azimuthDeg": 0, "elevationDeg": 5 },
        { "azimuthDeg": 180, "elevationDeg": 12 }
      ],
      "receiver": {
        // telescope
        "apertureM": 1.5,
        "obscurationM": 0.3,
        "opticsEfficiency": 0.2,
        "fieldOfViewUrad": 20,
        // detectors (a passive BB84 decoder has 4)
        "detectorEfficiency": 0.55,
        "detectorCount": 4,
        "darkCountHz": 50,
        "jitterPs": 350,
        "deadTimeNs": 22,
        "afterpulseProbability": 0.005,
        "gateWindowNs": 2,
        // background: sky and site
        "filterWidthNm": 1,
        "skyRadianceWPerM2SrNm": 1.5e-9,
        "zenithTransmittance": 0.8,
        "friedParameterZenithCm": 6,
        "scintillationIndexZenith": 0.02,
        "scintillationCorrelationTimeMs": 10
        // stray light of a nearby city, if any (none by default):
        // "cityLight": { "name": "Matera", "azimuthDeg": 300, "backgroundHzAt20Deg": 200 }
      }
    }
  ],

  // When a pass counts: above minElevationDeg (and the station's horizon mask), and with
  // nightOnly, the sun below sunElevationMaxDeg at TCA.
  "constraints": { "minElevationDeg": 10, "nightOnly": true, "sunElevationMaxDeg": -12 },

  // Post-processing of replays (flags override): reconciliation cascade | ldpc | hamming,
  // bound hoeffding | chernoff | asymptotic | no-decoy, protocol symmetric | efficient.
  "postprocessing": { "reconciliation": "cascade", "bound": "hoeffding", "protocol": "symmetric", "epsSec": 1e-9 },

  // Named passes (optional): \`mozi replay --mission mission.jsonc --preset matera-first\`.
  // Without a windowS the replay covers AOS → LOS; with one, that many seconds centred on TCA.
  "replays": [
    { "id": "matera-first", "station": "matera", "pass": "2016-12-19", "windowS": 30 }
  ]
}
`;
