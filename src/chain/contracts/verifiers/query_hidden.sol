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
    uint256 constant deltax1 = 5175481809909415684016213184955389251763529447539253374702735168721308932167;
    uint256 constant deltax2 = 20163630463611410236143316539134246441483104142672924735942972495147677378144;
    uint256 constant deltay1 = 21044990474181303495048480670234580273472126361772161500767502782368898011557;
    uint256 constant deltay2 = 1993926375888048263176071780379393425766605841890070233281657040130476529300;

    
    uint256 constant IC0x = 15142003256946032892733342207231360814526688760332282335731800491332931678998;
    uint256 constant IC0y = 13680182469231820817849061511456079479406116646366699044296243559046190184889;
    
    uint256 constant IC1x = 6584946798666871246907415622486229812733306539473481652756246211248240192115;
    uint256 constant IC1y = 7528799691266161716058713556078575509699989194458480566391577535757712002837;
    
    uint256 constant IC2x = 8674364809980982851350203462662171139523736540239717315081219755440684941958;
    uint256 constant IC2y = 12852688227954223400886120228917170929115169483925093664286459647044853663453;
    
    uint256 constant IC3x = 12363225788119005369610130612741681107286488571035265376062307553400280061024;
    uint256 constant IC3y = 19309797486955567163939874375519989955620177707351172612406282896368627784555;
    
    uint256 constant IC4x = 12274240704624251469586382697828318137585513043744568612972848410484127688892;
    uint256 constant IC4y = 10370107514501049567545182224206055873100856069779144071530384636129482413989;
    
    uint256 constant IC5x = 4665804683956006484347496514947544587039727847933355744319401566469996732009;
    uint256 constant IC5y = 14461670392624915799575857397434922541426804129343966472176726556876967391512;
    
    uint256 constant IC6x = 12468924280112488921998504017214602346800121057847872563181240674040105786261;
    uint256 constant IC6y = 9240763162198002506186848351327038443413405010678156459584051569379705423471;
    
    uint256 constant IC7x = 18816941104970841720949346437593983726157149618100202706667721528097379288307;
    uint256 constant IC7y = 943566382082389679316824739500632383387156043368314061583159518689705662537;
    
    uint256 constant IC8x = 6633958005696278325136517803378413389401676860311745723533260851096068838939;
    uint256 constant IC8y = 12520727321321903543925094209125526697591059429214423653349904897083677833804;
    
    uint256 constant IC9x = 5798051132918083638910730686000263192469705115939138006506187873051015121333;
    uint256 constant IC9y = 11272240302424625571393823776227698763378275721369545478640614720571747164160;
    
    uint256 constant IC10x = 18263283374524211502851155230031115693562178666457047489305672404102495217263;
    uint256 constant IC10y = 2946091533034654224228220788725051415493758690952901844648542889509614624079;
    
    uint256 constant IC11x = 10020538072961512980431969917410445797769618485279634858322699572966140151191;
    uint256 constant IC11y = 19277007843542957819676029442259290676386041632152036426310002961352006911866;
    
    uint256 constant IC12x = 8262106329871783000648064417752311027597875609225046374426886885257142401926;
    uint256 constant IC12y = 17444691222438499074576124555338028644776219241388101966971355075971169346365;
    
    uint256 constant IC13x = 16377779814643947390423498785895964687590460480256795786936550005614617450246;
    uint256 constant IC13y = 1124920280795579413830114184796184572526478501684437520582345645745752220155;
    
    uint256 constant IC14x = 19247381961583066388669840662391169646138094843384001927896198665550878060281;
    uint256 constant IC14y = 21477110962588339915343529648401897870236695252224906233437473566761597770805;
    
    uint256 constant IC15x = 7898626755594881282513179546677413638478768094686457876363541947321903029256;
    uint256 constant IC15y = 17070868264240096411025968114715333106701085142420257157072900228522283400233;
    
    uint256 constant IC16x = 10610118720991590753565504064032897439632759928840803902206094371386883932802;
    uint256 constant IC16y = 12515596150833494358711549454854658043297794680730559331906166456455891214085;
    
    uint256 constant IC17x = 4515576825049201071615089605370311178030828013988267197754173274870611422251;
    uint256 constant IC17y = 3526220567216548221877772106345857816419084549960844837152325710483110188175;
    
    uint256 constant IC18x = 15289460396797275622909956613972495732095895762530822636917215978541475360772;
    uint256 constant IC18y = 6215376091958318482148477327183443712665873525458211051088681255540031311079;
    
    uint256 constant IC19x = 11973246582119466341000227252378662153886439319462510356688447642346828794358;
    uint256 constant IC19y = 5813184919091231407437868507539920363159932378415612355037614449723288499832;
    
    uint256 constant IC20x = 7054007867513084205780955355644992369508638023225992897798941724090143421512;
    uint256 constant IC20y = 9649441949931797327456874253077098603639777811240804546705765577448145039729;
    
    uint256 constant IC21x = 19786404832466035963938633793150737051447851998334257789490991992100178842482;
    uint256 constant IC21y = 4084742174020159886334498459564752282136734231594340861406916117190297015615;
    
    uint256 constant IC22x = 12637481940834532152146068831071639965885223131948882037051235359520736059896;
    uint256 constant IC22y = 4202913158834691972303794216479127870423412698956624666227166078546417728553;
    
    uint256 constant IC23x = 11957953884703886677146558887363175415294377072352579969010946506173951417916;
    uint256 constant IC23y = 7275841970483897236504177416679905601302249132995684206406998723920954601801;
    
    uint256 constant IC24x = 728830475392544460307550819566636727314207576622890922844663987789703451512;
    uint256 constant IC24y = 7897749939634891615648067526294283051575712459015910014140783335362222631827;
    
    uint256 constant IC25x = 21762673280960650515157137610824244531520631981563198559306958353163781409875;
    uint256 constant IC25y = 17880964453663915805875257010561682749307204746776846731729780302015855029845;
    
    uint256 constant IC26x = 20462156967443777985073377919548688165371380350778905976827684580866249487975;
    uint256 constant IC26y = 4672712713848912903176244003636681048934768344481922122337731636275900816398;
    
    uint256 constant IC27x = 7306037622574659966884256924840987938744613103471182047806543858124148698471;
    uint256 constant IC27y = 16492542396459810590348308290780731123791420780321168134892709310577859477920;
    
    uint256 constant IC28x = 8117933590135332938080964983169864623588743932042563248690189473538490518077;
    uint256 constant IC28y = 15389961761665092351722967382812272678009767201077000400251249208639310579752;
    
    uint256 constant IC29x = 13683918096564211496430035982729386499943875823253732209543862338491186871114;
    uint256 constant IC29y = 4096076278262753906936035284429083800863235501712879725111693276380207765795;
    
    uint256 constant IC30x = 13149354693204417103654291248765058546438915518191352025216502119509617219136;
    uint256 constant IC30y = 18425641667656318964955866451858833675085142917960351178250362262633360493912;
    
    uint256 constant IC31x = 1942268631708976138811634802789639054872686373332683129320156989576771964268;
    uint256 constant IC31y = 11516547422173507082136985981644221387246935721960545669075597507188005425627;
    
    uint256 constant IC32x = 17370330552431817440544387288449488599628571499353536995240797386113489184220;
    uint256 constant IC32y = 14464394663353018767802575951692739976367695505524839774115273751003286590303;
    
    uint256 constant IC33x = 3130045371359181395693925594448344963243028231096645041760869533138471038903;
    uint256 constant IC33y = 1288064012200961987598582747619283153788484104269100214692272163622061278646;
    
    uint256 constant IC34x = 3263594101360022546785270632284176920028920934690155228792639572572024082311;
    uint256 constant IC34y = 10532477943907116963873258278403039126315244481549504321927556652133011319840;
    
    uint256 constant IC35x = 8764643074345809655116450190591402133573894491390768242984690027870590695559;
    uint256 constant IC35y = 21660178920769882672032253579027226307990320520164100618443467080209107275209;
    
    uint256 constant IC36x = 5974699424604485699787590810282948005674180981538335152546478153899232535375;
    uint256 constant IC36y = 4862633521152481335456021621057151782836956183075376580129871811797046697854;
    
    uint256 constant IC37x = 5396844984201737217594324459606094606855077536751545843579435337419032780145;
    uint256 constant IC37y = 6437421164044684381675382891999734681473880315703890844303392303030098517437;
    
    uint256 constant IC38x = 3801637801768102417248972588109755808220992164588825617296656356986401552104;
    uint256 constant IC38y = 15345788164812494885422616567666486155220416490845974325183068137643392920954;
    
    uint256 constant IC39x = 5073969364760679854875293826983596885203175301510377614779107165708801934418;
    uint256 constant IC39y = 15295940317409285876307348849174412313584695696811461274873379689525442258990;
    
    uint256 constant IC40x = 17510942828884396181333386694083473230301026189867031155329592419387041650023;
    uint256 constant IC40y = 15645493843068266919261930998772682898037009871984528529533044287191953757214;
    
    uint256 constant IC41x = 21458504714642106230804943502300232189199627903213006762180381990664421285090;
    uint256 constant IC41y = 20431683936188631051874518204335959314613739963848026307944140805543361990340;
    
    uint256 constant IC42x = 5556451875071208828454212844461234027925382634245552597217557388629739339463;
    uint256 constant IC42y = 14129427713543379967402825581036046820156135069411915373931785348697923110609;
    
    uint256 constant IC43x = 17303670123810288208438520814143749049349738324325297114865478270624689864863;
    uint256 constant IC43y = 7865990386647608344441947467560643941769414452925557001653340498238938537268;
    
    uint256 constant IC44x = 9771709446008116384952423566820109861168667873230091318461207137651306524726;
    uint256 constant IC44y = 18136307832633584263451891835065054037394685564658822718102509670764839869867;
    
    uint256 constant IC45x = 12616405751337782322606965302018276739977665218310074121706079160740588354537;
    uint256 constant IC45y = 3531115508436922501438885908616192553102287956507430339792551990225664416743;
    
    uint256 constant IC46x = 10873245686940781729813211423274010393739602437392173370844271130915478697465;
    uint256 constant IC46y = 2696592544222195550763293075623332836983660477948464187081355676999433959282;
    
    uint256 constant IC47x = 19949702766919073796124515179764515159840093973077175680590894410133523538742;
    uint256 constant IC47y = 2502423536584476465442006464651755714181767163661695407598882720336797008037;
    
    uint256 constant IC48x = 15765228426155898429278578439690606257554042248643448256827471756977837205586;
    uint256 constant IC48y = 4271949975893586629940723178901523829681992259277434527386077162749906554620;
    
    uint256 constant IC49x = 20437255860553209430418844121402615811365036832944875798478649708932849967427;
    uint256 constant IC49y = 20252001529672970000945272894445875179512505396705649484131397947779125441767;
    
    uint256 constant IC50x = 11969503762870658685349089298435857055997421151084886901755288294070812990727;
    uint256 constant IC50y = 16580036868990644407913187407778757868636890364919281173504840572680489568214;
    
    uint256 constant IC51x = 9816835652522253125783903193944756994399060366494233974317874951860423951810;
    uint256 constant IC51y = 17419770122592973478046526679527115437176447080472309332704426365027265318167;
    
    uint256 constant IC52x = 3603193713622264286735292889177872879040864471084095495569036363144037962670;
    uint256 constant IC52y = 976855764134190840930175107003411214767536855031158834122715824199232441411;
    
    uint256 constant IC53x = 2165435666070771411763209655372746721231121092637442416918288738869416162238;
    uint256 constant IC53y = 3707182119089761963574061334117105786435854507563954712479893440035927212968;
    
    uint256 constant IC54x = 5259369912542100503251973266796427742277216639520694164546964788017940321592;
    uint256 constant IC54y = 661637712864719268890240831329866227551309822433737193584037132837241108849;
    
    uint256 constant IC55x = 15217181154376528041074414336511062553567606842497107283188650437646819215850;
    uint256 constant IC55y = 20549543026460057563249694569800349431013039344513362383695391657553193635777;
    
    uint256 constant IC56x = 12603904695439803357828263856610399210137735652824465005263894927556567976885;
    uint256 constant IC56y = 14423742703175957988989189449466621024593375414763164844881774763275795809466;
    
    uint256 constant IC57x = 7105514518774889193881063296382061554307673185928849591750428612244261651255;
    uint256 constant IC57y = 7635601216175744066086693363857738693222956584912181312232651246916096986096;
    
    uint256 constant IC58x = 17701805962157708242035990096235959523786951479646147352646914563928003156603;
    uint256 constant IC58y = 9537161098573873501316286413652303403346754537925370624006962734350016752831;
    
    uint256 constant IC59x = 12879039829871275350687511903524819696040934052552285082953287136544427414262;
    uint256 constant IC59y = 15513742003440592405251758186960281617225305476081241328416740003313683028805;
    
    uint256 constant IC60x = 1164928132850266130810698512268261078937563760069647485504564929346362786454;
    uint256 constant IC60y = 11073505066964981085333075154237126673774819759749707487175217734898430890913;
    
    uint256 constant IC61x = 10970772257859513353883033226149807381661821368997178362430055143530433899503;
    uint256 constant IC61y = 20092228103488581693563892337925738982538654502157058821972281075064038036120;
    
    uint256 constant IC62x = 2009596920943232884682225611105110936648150297917805102558073202494645514411;
    uint256 constant IC62y = 3382683601078321064817536803980692248083225613854166165915133062269214601470;
    
    uint256 constant IC63x = 16896137795172845364309338866348119154275069554313686440308136018579820003787;
    uint256 constant IC63y = 13640165382506542517516338745395880790265636912067362638484400671098905132742;
    
    uint256 constant IC64x = 10925731586340595933820819292954025450916288289874679055005898609264376773605;
    uint256 constant IC64y = 21548262002212843716923061867635389913376891733185501415979548957051565012930;
    
    uint256 constant IC65x = 13274092233384659743616941541296303527248425474710366139541066479766844634637;
    uint256 constant IC65y = 20906524882698666321848700614374219998514943208588613163294469255318985509731;
    
    uint256 constant IC66x = 1728146245558949059843782354312170069608759984247779947084472602490533631236;
    uint256 constant IC66y = 9272702184931133639326267544402662988085604702857250193272661667774622927924;
    
    uint256 constant IC67x = 19573667558606266266800194180407823681427488869222468910347672607857912010900;
    uint256 constant IC67y = 5753119359730965809168559777579058994375176474116647668442894940944155759871;
    
    uint256 constant IC68x = 1662253715509660657687508783601364718743317340017956570625020198715527750166;
    uint256 constant IC68y = 12090891253376335899355361610480844477348072715650792353274474225765671776832;
    
    uint256 constant IC69x = 4067123764186981027833591441998865545556330600045804659323229300712868314514;
    uint256 constant IC69y = 6603024512939198079114026160659285193492827401588754508657101147699102006273;
    
    uint256 constant IC70x = 19852314182407000854454096075523218694933391594709519800077681093566742175352;
    uint256 constant IC70y = 5149202114763538895374685389644010714463744165379285190826129376864464283600;
    
    uint256 constant IC71x = 15287261967426066247559873064969740550574795108869419705175589795964670010806;
    uint256 constant IC71y = 18669885025710190094931584300996961544613980667659440308188480261110058615696;
    
    uint256 constant IC72x = 13701779998155485485058943632700539073085722856002758553132885102387458547534;
    uint256 constant IC72y = 6485598515063000506726817770859904563421759113439888316371357323417507823967;
    
    uint256 constant IC73x = 6602770637181019004806462650721632503195746132802832026495434535580393724784;
    uint256 constant IC73y = 9805205139127141157599228985719423389250375262534519104465242143952889392084;
    
    uint256 constant IC74x = 11778524819150949209514652141672826146328517143888014550082264626890574720023;
    uint256 constant IC74y = 12887811781465826691696045232257193469289384536586905834875477273711796783051;
    
    uint256 constant IC75x = 1378818136083977124103714436369623267561316688702048330874080217560271573651;
    uint256 constant IC75y = 14094838375039323343132016324303518261402491761787936514308544382396396935095;
    
    uint256 constant IC76x = 8289825711137456362474481288651286902728533262839814520524810913715025374239;
    uint256 constant IC76y = 15916640500616705110725308196061533201108060639032170278552099915386075858582;
    
    uint256 constant IC77x = 21639659054901168070940655139768286279877297045065919842960798727925992532370;
    uint256 constant IC77y = 5063134128600080113215894244574924596591788917267989086134636541940732815154;
    
    uint256 constant IC78x = 619809879796702015296295764787734464885643819934008926314999809073271954089;
    uint256 constant IC78y = 18730595133613249503813039590317014153113971356891666898981214846299713982322;
    
    uint256 constant IC79x = 5784611658821438791572013827155838448199786004704010110100642115091957798469;
    uint256 constant IC79y = 20166721359273783396101641499036570725654457992283463693083335415033949158798;
    
    uint256 constant IC80x = 16300996795446719095789185320258032532402783178553437931605218556936073307490;
    uint256 constant IC80y = 19421351295109347980003421586992371643674778825397261927733097361296068259306;
    
    uint256 constant IC81x = 15179872180836835424418476858348482962004967562874357000503434066476117455157;
    uint256 constant IC81y = 6755463692665340633887810756464703462222207986319004387719265638527497416271;
    
    uint256 constant IC82x = 9962872644081399923117042384574171262847164662282859268854560146066782141401;
    uint256 constant IC82y = 7097682566767518545739607571098317485028214819852560866351944719046713828219;
    
    uint256 constant IC83x = 7361466072309439258677018241929347277741967653462169528260124390680250815526;
    uint256 constant IC83y = 14065672205993554142254026465997295563806143010084682754058299741105721209807;
    
    uint256 constant IC84x = 20192078032166722145024866422104992123526463566957889293022263225085731289057;
    uint256 constant IC84y = 12630122156383825435324348467593371340916760108012867658898235290865485195622;
    
    uint256 constant IC85x = 18272064580291744223641101975293234048013879042607531652562445219104088708912;
    uint256 constant IC85y = 7410377738552530958779869315407694541223414585241786714131960875924799993323;
    
    uint256 constant IC86x = 15352324388802755958244509687649543190957744536354879789211757032292935911561;
    uint256 constant IC86y = 21597506358814645866760271276416015427120754833051141342220054108351312414713;
    
    uint256 constant IC87x = 20814239155239215055829292371822888647716833469516933829152434764955805917345;
    uint256 constant IC87y = 12815207311432687860848477078489377189148669107150895684741400551399719407251;
    
    uint256 constant IC88x = 20171473386862909503778404428192278991527790105442873598101776411234953397442;
    uint256 constant IC88y = 19644831603792675700290109422935603871490568750759033982499281937937444169755;
    
    uint256 constant IC89x = 19812351299091874341709854118556136530046621109254381399121790965243309140804;
    uint256 constant IC89y = 12327853169480129819955710071735836466548547725401625363028923879150663226042;
    
    uint256 constant IC90x = 6368976716484379380833339412692085586476806795111309709548714282782135770249;
    uint256 constant IC90y = 10517430651943016540908767860726783029424614076745467243578363381946372923507;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[90] calldata _pubSignals) public view returns (bool) {
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
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
