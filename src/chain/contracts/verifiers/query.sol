// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity >=0.7.0 <0.9.0;

contract Groth16Verifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 1772119670138718466907155299707333023096805380425181136464064568202560020303;
    uint256 constant alphay  = 17877635768210163484105128374605263646882911824462048077795601580952395958518;
    uint256 constant betax1  = 3361185241137556703627355288630582675088407335372186165092762945216626958100;
    uint256 constant betax2  = 21455566058656876046022020046031610189110376227764992130850972841458844054052;
    uint256 constant betay1  = 14029742069669859883615775202060194857957197915593754382649890037798504983636;
    uint256 constant betay2  = 3061404502680543800764871128411445775390616066344367391813225866274234476325;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 3321983676298230182320463931754303352717766393190934985699810263421873951014;
    uint256 constant deltax2 = 15904318379434707993543496895591991403451468566469031160166695829667897566672;
    uint256 constant deltay1 = 21708898505505095804356197742292520875891848122507086685769626323715945847651;
    uint256 constant deltay2 = 19975391569136796572760649279020114329911566135493588856564748802345785152795;

    
    uint256 constant IC0x = 4004030828024554103943899756905417835660407413563698554166165144198384401299;
    uint256 constant IC0y = 8010319653270330797210541216088652252957861217283699414942577870748637069975;
    
    uint256 constant IC1x = 5763887848395712320741670593714488670037521559431410430957872165812629712563;
    uint256 constant IC1y = 7446214337582677353492119951229452251022734433946884632473524126664205511524;
    
    uint256 constant IC2x = 21637580927943312962730557924762078468834418357497923791027513630261035414233;
    uint256 constant IC2y = 1018913116039630432827429829261002175600120710716638956945495800940025481836;
    
    uint256 constant IC3x = 9626489732435495173867191713316302446883329513376885814172369546186204753801;
    uint256 constant IC3y = 14306031580407026044411091255730693977324676378742518824863161720149347345;
    
    uint256 constant IC4x = 2305274422049738374960054558663979211675976454346337649793241958137485532941;
    uint256 constant IC4y = 13787182954407262806398281333409427757164280730712196246831977324789099990219;
    
    uint256 constant IC5x = 1116407312866710062037971520192227153728019455723152716222944427551875092316;
    uint256 constant IC5y = 11340592735888795741215300196526330761075079186689322854316749171672256760864;
    
    uint256 constant IC6x = 19391731694030839319330740639325063377303160095463734679981158901830869222130;
    uint256 constant IC6y = 17674468558634707715432376662850495879656299285062540463267441110638621606037;
    
    uint256 constant IC7x = 13861491278848442420188023308183470679465513815308628037890509798749391092736;
    uint256 constant IC7y = 3155955927901896362431407754705121951989772396993838701103671009133689211355;
    
    uint256 constant IC8x = 10039523635834391950470348452797170574945335522507982756627601947240498321615;
    uint256 constant IC8y = 16528506745329584445339241606232344301919995428052899065022416597843582740280;
    
    uint256 constant IC9x = 8316084911471381405888463405065278151150570688343867577551977322621087286802;
    uint256 constant IC9y = 21434216552368239393963494926163171744150140280798535328569775904080902057651;
    
    uint256 constant IC10x = 6060292926881845406494090374127713666507598776927318855795226552764832019542;
    uint256 constant IC10y = 7725933193752415948701732102343734155328298484023083398795837729081154389786;
    
    uint256 constant IC11x = 6100049931438910661808499412274542532207227443986536000933139843900297275519;
    uint256 constant IC11y = 21229049111719244348808914211072418002698797778142782619474254377769530289198;
    
    uint256 constant IC12x = 20322299192441862822205868529095664865661018276747957555106565347081875403966;
    uint256 constant IC12y = 5358088930405422033382942682770776354663807469742911018521758176319085035922;
    
    uint256 constant IC13x = 21676569948752261618366407581796202175455713526408123967138105295024346233414;
    uint256 constant IC13y = 10462082587473174787908491119633723637329860643642620921906878712745594725710;
    
    uint256 constant IC14x = 7094326012548443601579318284115145022534394547375558119417362447466159545567;
    uint256 constant IC14y = 17081392474812279989493449540157498795608305622599654579707204949641089840159;
    
    uint256 constant IC15x = 10090172413279828689470844425332476699405764896183958221651395726902121170070;
    uint256 constant IC15y = 11853153918563268311339066009372424743620653793301322632183744482023910376959;
    
    uint256 constant IC16x = 5984680455950732328316623814213488407509949294272314390116305342788864361685;
    uint256 constant IC16y = 12671905912249394344796551834772862198575299580780694139551968380124344794490;
    
    uint256 constant IC17x = 17496784408001015285195382654300719456478689383886738048630435454041426536488;
    uint256 constant IC17y = 559150874254999212212709769378468129069431337748079136386803294777906630366;
    
    uint256 constant IC18x = 16664144148603792944608999281509545498650284495405253098770437416741352155404;
    uint256 constant IC18y = 15774972616564985199830361273136779935365264472307668343601640441189874289608;
    
    uint256 constant IC19x = 1108480510576796918889292542153221393795619454213867256269461772431017267751;
    uint256 constant IC19y = 10245756298432943022445806783194624032942684761420613109607533956182372380424;
    
    uint256 constant IC20x = 21052198733238591373515754617824657441358019447546402032190846605250828103448;
    uint256 constant IC20y = 5111012400830271500885606658898291041845154001513451633884734653230071610049;
    
    uint256 constant IC21x = 16960428278788668087575067958384545675434712174508278788989177333276577035195;
    uint256 constant IC21y = 19096267520805025549908780016511747620797129634650725197586377015760484553793;
    
    uint256 constant IC22x = 13949971831819127982259384255412350786322987092570586057577504181080586618808;
    uint256 constant IC22y = 16126896550000385610674747734467724204854970099000943698501492165801456636610;
    
    uint256 constant IC23x = 4231984838612634570110155266537544555468100801165164269676334841678319290075;
    uint256 constant IC23y = 17921725082542139479393190373344338504176535034288543479040137522394493526258;
    
    uint256 constant IC24x = 12108246796085832641480095849906602063979271964183405959398801743109834606002;
    uint256 constant IC24y = 13233542382677099011303870056570136337297145769402185757056029399715559597048;
    
    uint256 constant IC25x = 2288871155311146189918202070716628271481553622317598811428457236982583075692;
    uint256 constant IC25y = 20072707873271782041867040728504775506468481572615473557398464468292524411011;
    
    uint256 constant IC26x = 13117988727292347241677698286361781634409258620098205056510543503855423763306;
    uint256 constant IC26y = 3678395651504292009992963433875863855082839894655519672587887019330775302482;
    
    uint256 constant IC27x = 18130983630616276137211758797416349243544731344749360886940073140600123544790;
    uint256 constant IC27y = 12051682126945149175846215792769701438984600242107362697476803861221240758367;
    
    uint256 constant IC28x = 20681842844263303906556707924425635666307831582842343772152445582385801327791;
    uint256 constant IC28y = 1087858263776772345900082543598427460049117346554253686425774350055517876602;
    
    uint256 constant IC29x = 20817361691047352792764091526476051080692901297812877602737907265138280724273;
    uint256 constant IC29y = 1916993958146378305161708623176592764456716118346617827662566502570427482030;
    
    uint256 constant IC30x = 15704617798112065648650057445234075403794585882202939001866616751714679550998;
    uint256 constant IC30y = 14717504848636546884458877673211850078698314337432918737653798526284292142051;
    
    uint256 constant IC31x = 8568956132623794673923931704862127482572651659101212907987235327390398296207;
    uint256 constant IC31y = 14503010228875696921439706797648936550290626447100365350918651125650751320641;
    
    uint256 constant IC32x = 7522720145466078997326440737965710837686515454943347662434141499790251563855;
    uint256 constant IC32y = 1497447749401039509768099382471708691167068382335266450472071124053669063166;
    
    uint256 constant IC33x = 4333722067739510744153883121058507622660201271774251169039571421473511760944;
    uint256 constant IC33y = 17406003152667077729380972946538080352439164702015668195345587205225234102341;
    
    uint256 constant IC34x = 2214586358340459577432907135371377417053187376142314902796614165294763877642;
    uint256 constant IC34y = 9787767603925164200501772503759511547635036573016671895137974697236570613463;
    
    uint256 constant IC35x = 3334467785717531218134520014778786493743125007116167804903565424217701323770;
    uint256 constant IC35y = 11915498098177880990940540378208634121132404962848753864428604136383896068617;
    
    uint256 constant IC36x = 7035696327820381620687023670154147195483847464436483099002752187132726964122;
    uint256 constant IC36y = 3930029478197329083613767498166840529355421665950423917861385542043300989510;
    
    uint256 constant IC37x = 2819068745046607290663987816066172885335540535079449345898992401001055970132;
    uint256 constant IC37y = 5113220435509492092158987437162740537491870204243802351078412096187598674243;
    
    uint256 constant IC38x = 3005088008194573742321038019157689699170891367782056398689852118541220775459;
    uint256 constant IC38y = 18627991259113406893676800346165000292330908125354216126417581894641439899416;
    
    uint256 constant IC39x = 11539024613934909831838394448838630969211508179257044362493380615551170867184;
    uint256 constant IC39y = 6983015658281042708324023269214569404854204929884399002096832389814425521407;
    
    uint256 constant IC40x = 15377640979070024629056856603098275155778450840929841598829953300554043833503;
    uint256 constant IC40y = 20226793169688499370181339201050374086487877614649057913669422341867468245743;
    
    uint256 constant IC41x = 6373391784041741994449091495909005199399256115189483856894873269156720960011;
    uint256 constant IC41y = 5635534234769097026007142074360996791462414848803310487888254300347552602165;
    
    uint256 constant IC42x = 19640076371362044502046553147832771201380859558043227903565772590768277182598;
    uint256 constant IC42y = 10930185846129203671192427146536786107980446650559072706956710652587418701919;
    
    uint256 constant IC43x = 8462290399926440020613492567608801502601809025140146874631811461498283862840;
    uint256 constant IC43y = 3576119930936821520475447802278156986266444833891920448114604758705507364703;
    
    uint256 constant IC44x = 12281590246191350573912658618976002653284913940403466666480118972907963803810;
    uint256 constant IC44y = 2342926916814607359516144761748763588477787589036099739191329971869802030807;
    
    uint256 constant IC45x = 10816618056730651081214363424601066469605862831016226653836498759729030446996;
    uint256 constant IC45y = 1964883277059398601021209838615443942548260073000088048739237670972042838314;
    
    uint256 constant IC46x = 12261933184559051966427774330046303153503130111530736739358463867502533764256;
    uint256 constant IC46y = 16754669666596919908226060328993555006404064357532281561741343490010149392145;
    
    uint256 constant IC47x = 7666058012806558103100397417513804946839066785937781059430647329990941128477;
    uint256 constant IC47y = 15014254941425092743562417767744427459776258727605531408858521955752544473323;
    
    uint256 constant IC48x = 16834008293494377178297944424432202530461550580006659490561016917313762113045;
    uint256 constant IC48y = 13752316669502199688947477477940598721125899219429269097251262231804439058314;
    
    uint256 constant IC49x = 20190975627817193656344148068678817905802097634274964357076353979381921692404;
    uint256 constant IC49y = 6026440297564100956173517693566854652679079845577461662290604662580300214948;
    
    uint256 constant IC50x = 20949124103057491826355942925514214161853077482153963091602966832723522886658;
    uint256 constant IC50y = 389048458773114838761168883395608128566081062476457784900673606177789441163;
    
    uint256 constant IC51x = 17644386346579209734869503269610633062959729245309348640090232373995412668070;
    uint256 constant IC51y = 4891754029558010158451272127945832538754181496955781256203545945656980049410;
    
    uint256 constant IC52x = 8540519906018049690002292278939639966403493242304117573160347969271623793150;
    uint256 constant IC52y = 18243168799822818891179198750373600932417601990383659987486574722042247073393;
    
    uint256 constant IC53x = 9202741336450586674631389073335960845137728979220901169623903063265975357256;
    uint256 constant IC53y = 9477916363110299525579681975131945676475330023860913261527121519202422206861;
    
    uint256 constant IC54x = 14523787300703966057909167921208218525091434277044401667004997454728704696023;
    uint256 constant IC54y = 19852650922503869265281404209791866416952541475574043177562874009341930841061;
    
    uint256 constant IC55x = 13066396106294253450187992281478960974230907579777090950041584064202282279962;
    uint256 constant IC55y = 3409354486725767862629654974890609846129272030847794462785858169026842536434;
    
    uint256 constant IC56x = 598061363111919382751734074994806296365132583614694503901076031750262296351;
    uint256 constant IC56y = 19486345343515810576698661689263293895690921171475044994542479719693267171807;
    
    uint256 constant IC57x = 232523034304845616323861330709940865147596011246377612437607848989665495248;
    uint256 constant IC57y = 5808763230088225739750503225981871922366019268101436285789728676761467579596;
    
    uint256 constant IC58x = 18732423995240148224019404568989781723495550038045364722418616587938772725150;
    uint256 constant IC58y = 19554707525938790686107061158964619109887466045083393657375261776791365423706;
    
    uint256 constant IC59x = 17188660106868859593882434302241818278746630876178742281331596314404373223067;
    uint256 constant IC59y = 12298702842506709341516746114277093407619464081537729714185065755260368886803;
    
    uint256 constant IC60x = 9064358746315873576976575568394758450745020629536310387639823428185784879456;
    uint256 constant IC60y = 2853232687691844581172540297942427354377257942941895406337133479405207422137;
    
    uint256 constant IC61x = 19532101030131432328174815269394310288677951774362503084323700458671199707058;
    uint256 constant IC61y = 18801133224022833644652954623241851413655203243539996122760801827859431123996;
    
    uint256 constant IC62x = 2103766646204696936520326479829659264876170875433335891786422616899096011704;
    uint256 constant IC62y = 15941483671327816586164867664920101262413166644617273209343045498695661144093;
    
    uint256 constant IC63x = 358548249353143873471811251066507121976711907034221564969762641749828076388;
    uint256 constant IC63y = 20036426925477238887364751233507797729016438159745690032736865570510209692460;
    
    uint256 constant IC64x = 20138184505283718905587718120788140948577200115288260536077632162652297542251;
    uint256 constant IC64y = 6046717617146510845763851789350947697672519542858742523829619931485899218803;
    
    uint256 constant IC65x = 21485016714847815721274762679522732392872235840272206457415408210234919013413;
    uint256 constant IC65y = 6737925905522277688091623050162242443607573537415942843708905704887676804219;
    
    uint256 constant IC66x = 7087242912846050563907872804647469638211917170647027291831069809444716322176;
    uint256 constant IC66y = 8214110303667972824102486184325649282935236602205094999306945726095672130261;
    
    uint256 constant IC67x = 6189740299779474775076721701961587140121003588406374399660330513981685445672;
    uint256 constant IC67y = 15269411344009935549291324222029230358060255824575583619441609832229793174775;
    
    uint256 constant IC68x = 3522270418016037741920953772220114439197676340489702121191219800346970592117;
    uint256 constant IC68y = 3907469180080943573346282457570452852591739578080703829396390745038252014177;
    
    uint256 constant IC69x = 9047207511294360547128860019556534597898638809766107035398593165318657082638;
    uint256 constant IC69y = 15049127875003618236780451698140816410608914458269039343330689011792926776445;
    
    uint256 constant IC70x = 1817343007931281065343400918529701176988984191135832772989302477978635493817;
    uint256 constant IC70y = 5297385906038987945969153079266110964751278004237231442810771788812083902824;
    
    uint256 constant IC71x = 18619933831752389406181311568176106869481792556987980588829944164424729921516;
    uint256 constant IC71y = 6913553877550734640280760195005443214713080030873532586896615593219781153891;
    
    uint256 constant IC72x = 4310407372938623417300440969040733724364515748626491304725110527681476018756;
    uint256 constant IC72y = 5465436112502069436727947888787972082008067836480120974277178518782582844761;
    
    uint256 constant IC73x = 8752726717268409748773852541767954906093622268905869763677697631351737731244;
    uint256 constant IC73y = 11454748574503913598181292583665197416824393338222532170770074300624055996151;
    
    uint256 constant IC74x = 1497157933104934811659992603304192649566821822612170537932571860576102622301;
    uint256 constant IC74y = 5434037093492182229339536694587082369934800360521161834851032090641202302372;
    
    uint256 constant IC75x = 1039750151823820224362144526292497047391116432014787169605899536239654730741;
    uint256 constant IC75y = 6748360881179183542035312828182609460797287958584076347570125942702025433198;
    
    uint256 constant IC76x = 8550225858815172041558826943829566407670979765374388959588137512914668640221;
    uint256 constant IC76y = 5068241245990463642776346882215894404846208871733932632826084198999889887118;
    
    uint256 constant IC77x = 17996394696844932330874284265485259943090644647546259517727760944845686082364;
    uint256 constant IC77y = 11044914991306552532695266831291375761548030027899065276789571344515424979276;
    
    uint256 constant IC78x = 8851606227679318287930274722406943471126634706582619164094154605814040463480;
    uint256 constant IC78y = 9783759995126187733478212413181018755991182694201220134272177226741055679891;
    
    uint256 constant IC79x = 7878910528160215010574426599127927734094867365737325815222941736976915865707;
    uint256 constant IC79y = 6207132018241687216959224205310516976468473051620074212643903271555054977691;
    
    uint256 constant IC80x = 18703752462487514124858051597912497504643697677155707102945027654837815178289;
    uint256 constant IC80y = 2709031816938092533459628561317792889875098210840885532059733421404200213698;
    
    uint256 constant IC81x = 15858616095085655765285500204663850993780226948109301514733904099433836732470;
    uint256 constant IC81y = 11383447188264265599370804198169813008852992598654647257397632781946038124914;
    
    uint256 constant IC82x = 20765947300669355399149169795603082250539508670778685365780503785378240309797;
    uint256 constant IC82y = 12257352410517859597486252727942684320672201073796128095145049237387893003026;
    
    uint256 constant IC83x = 12976737947368079168470595673032935560591138868626297292852898552180228015601;
    uint256 constant IC83y = 1550843524307112680576802967080779554690531727173192549078039686746611719086;
    
    uint256 constant IC84x = 6109910818507070965098968809477438835149133909810350290442809877225068454352;
    uint256 constant IC84y = 8352765606130548447788067079128876287554258429055742028833942096412769182604;
    
    uint256 constant IC85x = 14863537216452186337263104174429023685157413256500716400623854950156024146211;
    uint256 constant IC85y = 10758646213653252893107732572128631557187955648353083566893927846004873831355;
    
    uint256 constant IC86x = 12209917851949713925638469649909324672481759077354887089049741715289001415860;
    uint256 constant IC86y = 12392802089528503401264299985186960893466923251086223900973857486480161130267;
    
    uint256 constant IC87x = 6372586094413862090304008034097825603552497188528011901260726325103875504610;
    uint256 constant IC87y = 8940310320517492132422571340496850757977865462505808173653579938442299823368;
    
    uint256 constant IC88x = 13859662743756959660772446248709627248783669167978349734465973143142600320302;
    uint256 constant IC88y = 394156869533795926840952447609464299064596568780271603052385258812443149209;
    
    uint256 constant IC89x = 11181375196175038521960665933039318549159161779972344346176958601399260190465;
    uint256 constant IC89y = 15000368526238097711164044513060330197253608203791530869540807261019862983617;
    
    uint256 constant IC90x = 1942132412644440656218144157180070397692066044388159379757793094120593211616;
    uint256 constant IC90y = 3059857429767620868405877674171266309339521306643148581815631899254566006683;
    
    uint256 constant IC91x = 17790670369350341225575799633803321066829165219417759820712340298611400007113;
    uint256 constant IC91y = 2315374214965004924252520741333219615426888790884625955156422316266078747926;
    
    uint256 constant IC92x = 11938830576294791093108906400449345937308241765312483887115516120150762851224;
    uint256 constant IC92y = 6111342149366421097723671787625284788129089364106040297586805131703901183332;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[92] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                
                g1_mulAccC(_pVk, IC13x, IC13y, calldataload(add(pubSignals, 384)))
                
                g1_mulAccC(_pVk, IC14x, IC14y, calldataload(add(pubSignals, 416)))
                
                g1_mulAccC(_pVk, IC15x, IC15y, calldataload(add(pubSignals, 448)))
                
                g1_mulAccC(_pVk, IC16x, IC16y, calldataload(add(pubSignals, 480)))
                
                g1_mulAccC(_pVk, IC17x, IC17y, calldataload(add(pubSignals, 512)))
                
                g1_mulAccC(_pVk, IC18x, IC18y, calldataload(add(pubSignals, 544)))
                
                g1_mulAccC(_pVk, IC19x, IC19y, calldataload(add(pubSignals, 576)))
                
                g1_mulAccC(_pVk, IC20x, IC20y, calldataload(add(pubSignals, 608)))
                
                g1_mulAccC(_pVk, IC21x, IC21y, calldataload(add(pubSignals, 640)))
                
                g1_mulAccC(_pVk, IC22x, IC22y, calldataload(add(pubSignals, 672)))
                
                g1_mulAccC(_pVk, IC23x, IC23y, calldataload(add(pubSignals, 704)))
                
                g1_mulAccC(_pVk, IC24x, IC24y, calldataload(add(pubSignals, 736)))
                
                g1_mulAccC(_pVk, IC25x, IC25y, calldataload(add(pubSignals, 768)))
                
                g1_mulAccC(_pVk, IC26x, IC26y, calldataload(add(pubSignals, 800)))
                
                g1_mulAccC(_pVk, IC27x, IC27y, calldataload(add(pubSignals, 832)))
                
                g1_mulAccC(_pVk, IC28x, IC28y, calldataload(add(pubSignals, 864)))
                
                g1_mulAccC(_pVk, IC29x, IC29y, calldataload(add(pubSignals, 896)))
                
                g1_mulAccC(_pVk, IC30x, IC30y, calldataload(add(pubSignals, 928)))
                
                g1_mulAccC(_pVk, IC31x, IC31y, calldataload(add(pubSignals, 960)))
                
                g1_mulAccC(_pVk, IC32x, IC32y, calldataload(add(pubSignals, 992)))
                
                g1_mulAccC(_pVk, IC33x, IC33y, calldataload(add(pubSignals, 1024)))
                
                g1_mulAccC(_pVk, IC34x, IC34y, calldataload(add(pubSignals, 1056)))
                
                g1_mulAccC(_pVk, IC35x, IC35y, calldataload(add(pubSignals, 1088)))
                
                g1_mulAccC(_pVk, IC36x, IC36y, calldataload(add(pubSignals, 1120)))
                
                g1_mulAccC(_pVk, IC37x, IC37y, calldataload(add(pubSignals, 1152)))
                
                g1_mulAccC(_pVk, IC38x, IC38y, calldataload(add(pubSignals, 1184)))
                
                g1_mulAccC(_pVk, IC39x, IC39y, calldataload(add(pubSignals, 1216)))
                
                g1_mulAccC(_pVk, IC40x, IC40y, calldataload(add(pubSignals, 1248)))
                
                g1_mulAccC(_pVk, IC41x, IC41y, calldataload(add(pubSignals, 1280)))
                
                g1_mulAccC(_pVk, IC42x, IC42y, calldataload(add(pubSignals, 1312)))
                
                g1_mulAccC(_pVk, IC43x, IC43y, calldataload(add(pubSignals, 1344)))
                
                g1_mulAccC(_pVk, IC44x, IC44y, calldataload(add(pubSignals, 1376)))
                
                g1_mulAccC(_pVk, IC45x, IC45y, calldataload(add(pubSignals, 1408)))
                
                g1_mulAccC(_pVk, IC46x, IC46y, calldataload(add(pubSignals, 1440)))
                
                g1_mulAccC(_pVk, IC47x, IC47y, calldataload(add(pubSignals, 1472)))
                
                g1_mulAccC(_pVk, IC48x, IC48y, calldataload(add(pubSignals, 1504)))
                
                g1_mulAccC(_pVk, IC49x, IC49y, calldataload(add(pubSignals, 1536)))
                
                g1_mulAccC(_pVk, IC50x, IC50y, calldataload(add(pubSignals, 1568)))
                
                g1_mulAccC(_pVk, IC51x, IC51y, calldataload(add(pubSignals, 1600)))
                
                g1_mulAccC(_pVk, IC52x, IC52y, calldataload(add(pubSignals, 1632)))
                
                g1_mulAccC(_pVk, IC53x, IC53y, calldataload(add(pubSignals, 1664)))
                
                g1_mulAccC(_pVk, IC54x, IC54y, calldataload(add(pubSignals, 1696)))
                
                g1_mulAccC(_pVk, IC55x, IC55y, calldataload(add(pubSignals, 1728)))
                
                g1_mulAccC(_pVk, IC56x, IC56y, calldataload(add(pubSignals, 1760)))
                
                g1_mulAccC(_pVk, IC57x, IC57y, calldataload(add(pubSignals, 1792)))
                
                g1_mulAccC(_pVk, IC58x, IC58y, calldataload(add(pubSignals, 1824)))
                
                g1_mulAccC(_pVk, IC59x, IC59y, calldataload(add(pubSignals, 1856)))
                
                g1_mulAccC(_pVk, IC60x, IC60y, calldataload(add(pubSignals, 1888)))
                
                g1_mulAccC(_pVk, IC61x, IC61y, calldataload(add(pubSignals, 1920)))
                
                g1_mulAccC(_pVk, IC62x, IC62y, calldataload(add(pubSignals, 1952)))
                
                g1_mulAccC(_pVk, IC63x, IC63y, calldataload(add(pubSignals, 1984)))
                
                g1_mulAccC(_pVk, IC64x, IC64y, calldataload(add(pubSignals, 2016)))
                
                g1_mulAccC(_pVk, IC65x, IC65y, calldataload(add(pubSignals, 2048)))
                
                g1_mulAccC(_pVk, IC66x, IC66y, calldataload(add(pubSignals, 2080)))
                
                g1_mulAccC(_pVk, IC67x, IC67y, calldataload(add(pubSignals, 2112)))
                
                g1_mulAccC(_pVk, IC68x, IC68y, calldataload(add(pubSignals, 2144)))
                
                g1_mulAccC(_pVk, IC69x, IC69y, calldataload(add(pubSignals, 2176)))
                
                g1_mulAccC(_pVk, IC70x, IC70y, calldataload(add(pubSignals, 2208)))
                
                g1_mulAccC(_pVk, IC71x, IC71y, calldataload(add(pubSignals, 2240)))
                
                g1_mulAccC(_pVk, IC72x, IC72y, calldataload(add(pubSignals, 2272)))
                
                g1_mulAccC(_pVk, IC73x, IC73y, calldataload(add(pubSignals, 2304)))
                
                g1_mulAccC(_pVk, IC74x, IC74y, calldataload(add(pubSignals, 2336)))
                
                g1_mulAccC(_pVk, IC75x, IC75y, calldataload(add(pubSignals, 2368)))
                
                g1_mulAccC(_pVk, IC76x, IC76y, calldataload(add(pubSignals, 2400)))
                
                g1_mulAccC(_pVk, IC77x, IC77y, calldataload(add(pubSignals, 2432)))
                
                g1_mulAccC(_pVk, IC78x, IC78y, calldataload(add(pubSignals, 2464)))
                
                g1_mulAccC(_pVk, IC79x, IC79y, calldataload(add(pubSignals, 2496)))
                
                g1_mulAccC(_pVk, IC80x, IC80y, calldataload(add(pubSignals, 2528)))
                
                g1_mulAccC(_pVk, IC81x, IC81y, calldataload(add(pubSignals, 2560)))
                
                g1_mulAccC(_pVk, IC82x, IC82y, calldataload(add(pubSignals, 2592)))
                
                g1_mulAccC(_pVk, IC83x, IC83y, calldataload(add(pubSignals, 2624)))
                
                g1_mulAccC(_pVk, IC84x, IC84y, calldataload(add(pubSignals, 2656)))
                
                g1_mulAccC(_pVk, IC85x, IC85y, calldataload(add(pubSignals, 2688)))
                
                g1_mulAccC(_pVk, IC86x, IC86y, calldataload(add(pubSignals, 2720)))
                
                g1_mulAccC(_pVk, IC87x, IC87y, calldataload(add(pubSignals, 2752)))
                
                g1_mulAccC(_pVk, IC88x, IC88y, calldataload(add(pubSignals, 2784)))
                
                g1_mulAccC(_pVk, IC89x, IC89y, calldataload(add(pubSignals, 2816)))
                
                g1_mulAccC(_pVk, IC90x, IC90y, calldataload(add(pubSignals, 2848)))
                
                g1_mulAccC(_pVk, IC91x, IC91y, calldataload(add(pubSignals, 2880)))
                
                g1_mulAccC(_pVk, IC92x, IC92y, calldataload(add(pubSignals, 2912)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            
            checkField(calldataload(add(_pubSignals, 384)))
            
            checkField(calldataload(add(_pubSignals, 416)))
            
            checkField(calldataload(add(_pubSignals, 448)))
            
            checkField(calldataload(add(_pubSignals, 480)))
            
            checkField(calldataload(add(_pubSignals, 512)))
            
            checkField(calldataload(add(_pubSignals, 544)))
            
            checkField(calldataload(add(_pubSignals, 576)))
            
            checkField(calldataload(add(_pubSignals, 608)))
            
            checkField(calldataload(add(_pubSignals, 640)))
            
            checkField(calldataload(add(_pubSignals, 672)))
            
            checkField(calldataload(add(_pubSignals, 704)))
            
            checkField(calldataload(add(_pubSignals, 736)))
            
            checkField(calldataload(add(_pubSignals, 768)))
            
            checkField(calldataload(add(_pubSignals, 800)))
            
            checkField(calldataload(add(_pubSignals, 832)))
            
            checkField(calldataload(add(_pubSignals, 864)))
            
            checkField(calldataload(add(_pubSignals, 896)))
            
            checkField(calldataload(add(_pubSignals, 928)))
            
            checkField(calldataload(add(_pubSignals, 960)))
            
            checkField(calldataload(add(_pubSignals, 992)))
            
            checkField(calldataload(add(_pubSignals, 1024)))
            
            checkField(calldataload(add(_pubSignals, 1056)))
            
            checkField(calldataload(add(_pubSignals, 1088)))
            
            checkField(calldataload(add(_pubSignals, 1120)))
            
            checkField(calldataload(add(_pubSignals, 1152)))
            
            checkField(calldataload(add(_pubSignals, 1184)))
            
            checkField(calldataload(add(_pubSignals, 1216)))
            
            checkField(calldataload(add(_pubSignals, 1248)))
            
            checkField(calldataload(add(_pubSignals, 1280)))
            
            checkField(calldataload(add(_pubSignals, 1312)))
            
            checkField(calldataload(add(_pubSignals, 1344)))
            
            checkField(calldataload(add(_pubSignals, 1376)))
            
            checkField(calldataload(add(_pubSignals, 1408)))
            
            checkField(calldataload(add(_pubSignals, 1440)))
            
            checkField(calldataload(add(_pubSignals, 1472)))
            
            checkField(calldataload(add(_pubSignals, 1504)))
            
            checkField(calldataload(add(_pubSignals, 1536)))
            
            checkField(calldataload(add(_pubSignals, 1568)))
            
            checkField(calldataload(add(_pubSignals, 1600)))
            
            checkField(calldataload(add(_pubSignals, 1632)))
            
            checkField(calldataload(add(_pubSignals, 1664)))
            
            checkField(calldataload(add(_pubSignals, 1696)))
            
            checkField(calldataload(add(_pubSignals, 1728)))
            
            checkField(calldataload(add(_pubSignals, 1760)))
            
            checkField(calldataload(add(_pubSignals, 1792)))
            
            checkField(calldataload(add(_pubSignals, 1824)))
            
            checkField(calldataload(add(_pubSignals, 1856)))
            
            checkField(calldataload(add(_pubSignals, 1888)))
            
            checkField(calldataload(add(_pubSignals, 1920)))
            
            checkField(calldataload(add(_pubSignals, 1952)))
            
            checkField(calldataload(add(_pubSignals, 1984)))
            
            checkField(calldataload(add(_pubSignals, 2016)))
            
            checkField(calldataload(add(_pubSignals, 2048)))
            
            checkField(calldataload(add(_pubSignals, 2080)))
            
            checkField(calldataload(add(_pubSignals, 2112)))
            
            checkField(calldataload(add(_pubSignals, 2144)))
            
            checkField(calldataload(add(_pubSignals, 2176)))
            
            checkField(calldataload(add(_pubSignals, 2208)))
            
            checkField(calldataload(add(_pubSignals, 2240)))
            
            checkField(calldataload(add(_pubSignals, 2272)))
            
            checkField(calldataload(add(_pubSignals, 2304)))
            
            checkField(calldataload(add(_pubSignals, 2336)))
            
            checkField(calldataload(add(_pubSignals, 2368)))
            
            checkField(calldataload(add(_pubSignals, 2400)))
            
            checkField(calldataload(add(_pubSignals, 2432)))
            
            checkField(calldataload(add(_pubSignals, 2464)))
            
            checkField(calldataload(add(_pubSignals, 2496)))
            
            checkField(calldataload(add(_pubSignals, 2528)))
            
            checkField(calldataload(add(_pubSignals, 2560)))
            
            checkField(calldataload(add(_pubSignals, 2592)))
            
            checkField(calldataload(add(_pubSignals, 2624)))
            
            checkField(calldataload(add(_pubSignals, 2656)))
            
            checkField(calldataload(add(_pubSignals, 2688)))
            
            checkField(calldataload(add(_pubSignals, 2720)))
            
            checkField(calldataload(add(_pubSignals, 2752)))
            
            checkField(calldataload(add(_pubSignals, 2784)))
            
            checkField(calldataload(add(_pubSignals, 2816)))
            
            checkField(calldataload(add(_pubSignals, 2848)))
            
            checkField(calldataload(add(_pubSignals, 2880)))
            
            checkField(calldataload(add(_pubSignals, 2912)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
