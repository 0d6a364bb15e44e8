// Small gazetteers for the optional PERSON and LOCATION recognizers: common given names, and countries, US states and
// large cities. Hand-compiled and deliberately short; see docs/privacy.md for what this does and does not catch.

export const GIVEN_NAMES = new Set(
  (
    'Aaron Abigail Adam Adrian Ahmed Aisha Alan Albert Alejandro Alex Alexander Alexandra Alice Alicia Alison Amanda Amber Amy Ana Andrea ' +
    'Andrew Angela Anna Anne Anthony Antonio Ashley Barbara Ben Benjamin Beth Betty Beverly Bill Billy Bob Brandon Brenda Brian Bruce ' +
    'Bryan Carl Carlos Carol Caroline Catherine Charles Charlie Charlotte Cheryl Chloe Chris Christian Christina Christine Christopher ' +
    'Cindy Claire Claudia Cynthia Daniel Danielle David Deborah Debra Denise Dennis Diana Diane Dmitri Donald Donna Doris Dorothy Douglas ' +
    'Dylan Edward Elena Elizabeth Ella Ellen Emily Emma Eric Erica Ethan Eugene Evelyn Fatima Frances Francesca Francisco Frank Gabriel ' +
    'Gary George Gerald Gloria Grace Gregory Hannah Harold Harry Heather Helen Henry Hiroshi Ian Isabel Isabella Ivan Jack Jacob ' +
    'Jacqueline James Jamie Jane Janet Janice Jason Javier Jean Jeffrey Jennifer Jeremy Jerry Jesse Jessica Joan Joe John Johnny Jonathan ' +
    'Jose Joseph Joshua Joyce Juan Judith Judy Julia Julie Justin Karen Katherine Kathleen Kathryn Kathy Katie Kayla Keith Kelly Kenneth ' +
    'Kevin Kimberly Kyle Laura Lauren Lawrence Linda Lisa Logan Lucas Lucy Luis Maria Marie Marilyn Mark Martha Martin Mary Matthew Megan ' +
    'Melissa Michael Michelle Miguel Mohammed Muhammad Nancy Natalie Nathan Nicholas Nicole Noah Olivia Oliver Pamela Patricia Patrick ' +
    'Paul Peter Philip Priya Rachel Rahul Ralph Raymond Rebecca Richard Robert Roger Ronald Rose Roy Russell Ruth Ryan Samantha Samuel ' +
    'Sandra Sara Sarah Scott Sean Sharon Shirley Sofia Sophia Stephanie Stephen Steve Steven Susan Teresa Terry Thomas Tiffany Timothy ' +
    'Tom Tyler Victoria Vincent Virginia Walter Wayne William Yuki Zachary Zoe'
  ).split(' '),
);

/** Words that follow a given name without being a surname ("Grace Church", "Victoria Station"). */
export const NOT_SURNAMES = new Set('The And Or But For Is Was Are Said Says Street Road Avenue Station Church Park School University College Hospital Airport Square Bridge Day Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' '));

export const TITLES = ['Mr', 'Mrs', 'Ms', 'Mx', 'Dr', 'Prof', 'Sen', 'Rep', 'Gov', 'Senator', 'Representative', 'Governor', 'President', 'Judge', 'Mayor'];

const COUNTRIES =
  'Afghanistan;Albania;Algeria;Argentina;Armenia;Australia;Austria;Azerbaijan;Bangladesh;Belarus;Belgium;Bolivia;Bosnia;Brazil;Bulgaria;' +
  'Cambodia;Cameroon;Canada;Chile;China;Colombia;Costa Rica;Croatia;Cuba;Cyprus;Czech Republic;Czechia;Denmark;Ecuador;Egypt;El Salvador;' +
  'England;Estonia;Ethiopia;Finland;France;Germany;Ghana;Greece;Guatemala;Haiti;Honduras;Hungary;Iceland;India;Indonesia;Iran;Iraq;' +
  'Ireland;Israel;Italy;Jamaica;Japan;Kazakhstan;Kenya;Kosovo;Latvia;Lebanon;Libya;Lithuania;Luxembourg;Malaysia;Mali;Mexico;Moldova;' +
  'Mongolia;Morocco;Mozambique;Myanmar;Nepal;Netherlands;New Zealand;Nicaragua;Nigeria;North Korea;Norway;Pakistan;Palestine;Panama;' +
  'Paraguay;Peru;Philippines;Poland;Portugal;Qatar;Romania;Russia;Rwanda;Saudi Arabia;Scotland;Senegal;Serbia;Singapore;Slovakia;' +
  'Slovenia;Somalia;South Africa;South Korea;Spain;Sri Lanka;Sudan;Sweden;Switzerland;Syria;Taiwan;Tanzania;Thailand;Tunisia;Uganda;' +
  'Ukraine;United Kingdom;United States;Uruguay;Uzbekistan;Venezuela;Vietnam;Wales;Yemen;Zambia;Zimbabwe';

const US_STATES =
  'Alabama;Alaska;Arizona;Arkansas;California;Colorado;Connecticut;Delaware;Florida;Hawaii;Idaho;Illinois;Indiana;Iowa;Kansas;Kentucky;' +
  'Louisiana;Maine;Maryland;Massachusetts;Michigan;Minnesota;Mississippi;Missouri;Montana;Nebraska;Nevada;New Hampshire;New Jersey;' +
  'New Mexico;New York;North Carolina;North Dakota;Ohio;Oklahoma;Oregon;Pennsylvania;Rhode Island;South Carolina;South Dakota;Tennessee;' +
  'Texas;Utah;Vermont;West Virginia;Wisconsin;Wyoming';

const CITIES =
  'Amsterdam;Athens;Atlanta;Austin;Baltimore;Bangkok;Barcelona;Beijing;Berlin;Bogota;Boston;Brooklyn;Brussels;Budapest;Buenos Aires;' +
  'Cairo;Calgary;Chicago;Cincinnati;Cleveland;Copenhagen;Dallas;Delhi;Denver;Detroit;Dubai;Dublin;Edinburgh;Frankfurt;Gaza;Glasgow;' +
  'Hamburg;Helsinki;Hong Kong;Honolulu;Houston;Istanbul;Jakarta;Jerusalem;Johannesburg;Karachi;Kyiv;Kiev;Lagos;Las Vegas;Lima;Lisbon;' +
  'London;Los Angeles;Madrid;Manchester;Manhattan;Manila;Melbourne;Memphis;Miami;Milan;Milwaukee;Minneapolis;Montreal;Moscow;Mumbai;' +
  'Munich;Nairobi;Nashville;New Orleans;New York City;Oakland;Oslo;Ottawa;Paris;Philadelphia;Pittsburgh;Portland;Prague;Queens;' +
  'Rio de Janeiro;Rome;Sacramento;San Antonio;San Diego;San Francisco;San Jose;Santiago;Seattle;Seoul;Shanghai;Singapore;Stockholm;' +
  'Sydney;Taipei;Tehran;Tel Aviv;Tokyo;Toronto;Vancouver;Vienna;Warsaw;Washington;Zurich';

/** Places that are also common words or given names; they count only with a context word ("in Georgia"). */
export const AMBIGUOUS_PLACES = new Set('Georgia;Jordan;Chad;Turkey;Nice;Reading;Mobile;Phoenix;Victoria;Florence;Sydney;Paris;Washington;Virginia;Chile'.split(';'));

export const PLACES: readonly string[] = [...new Set([...COUNTRIES.split(';'), ...US_STATES.split(';'), ...CITIES.split(';'), ...AMBIGUOUS_PLACES])];
