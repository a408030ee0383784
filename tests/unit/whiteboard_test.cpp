// Seed 7.1: BigBlueButton's whiteboard read from the presentation playback's shapes.svg (BBB 2.0-2.5)
// and tldraw.json (tldraw v1 on BBB 2.6/2.7, v2 on BBB 3.0), as the playback's publish script writes
// them: the final state of each slide drawn on, rebuilt as our own SVG.
#include "providers/whiteboard.hpp"

#include <gtest/gtest.h>

#include "providers/bbb.hpp"

namespace lc::providers {
namespace {

// BBB 2.4: slide 1 shown twice (with slide 2 in between), a pencil stroke in two versions, a rectangle
// that was undone, a text box, a poll chart, and a line drawn on the second showing.
constexpr const char* kLegacySvg = R"X(<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" id="svgfile" version="1.1" viewBox="0 0 800 600">
  <image id="image1" class="slide" in="0.0" out="40.0" xlink:href="presentation/d2d9a672/slide-1.png" width="1600" height="1200" x="0" y="0" style="visibility:hidden"/>
  <g class="canvas" id="canvas1" image="image1" display="none">
    <g id="image1-draw1" class="shape" timestamp="5.0" undo="-1" shape="image1-pencil1" style="stroke:#ff0000;stroke-linecap:round;stroke-linejoin:round;stroke-width:8.0;visibility:hidden;fill:none"><path d="M10 10L20 20"/></g>
    <g id="image1-draw2" class="shape" timestamp="6.0" undo="-1" shape="image1-pencil1" style="stroke:#ff0000;stroke-linecap:round;stroke-linejoin:round;stroke-width:8.0;visibility:hidden;fill:none"><path d="M10 10L20 20L300 200"/></g>
    <g id="image1-draw3" class="shape" timestamp="8.0" undo="9.5" shape="image1-rect2" style="stroke:#0000ff;stroke-width:4;visibility:hidden;fill:none"><path d="M100 100L200 100L200 200L100 200Z"/></g>
    <g id="image1-draw4" class="shape" timestamp="12.0" undo="-1" shape="image1-text3" style="color:#00aa00;word-wrap:break-word;visibility:hidden;font-family:Arial;font-size:40px">
      <switch><foreignObject width="600" height="120" x="400" y="500"><p xmlns="http://www.w3.org/1999/xhtml" style="margin:0;padding:0">Merhaba &lt;dünya&gt;<br/>ikinci satır</p></foreignObject></switch>
    </g>
    <g id="image1-draw5" class="shape" timestamp="15.0" undo="-1" shape="image1-poll4" style="visibility:hidden"><image xlink:href="presentation/d2d9a672/poll_result4.svg" width="300" height="200" x="10" y="10"/></g>
  </g>
  <image id="image2" class="slide" in="40.0" out="60.0" xlink:href="presentation/d2d9a672/slide-2.png" width="1600" height="1200" x="0" y="0" style="visibility:hidden"/>
  <image id="image3" class="slide" in="60.0" out="90.0" xlink:href="presentation/d2d9a672/slide-1.png" width="1600" height="1200" x="0" y="0" style="visibility:hidden"/>
  <g class="canvas" id="canvas3" image="image3" display="none">
    <g id="image3-draw2" class="shape" timestamp="6.0" undo="-1" shape="image1-pencil1" style="stroke:#ff0000;stroke-width:8.0;visibility:hidden;fill:none"><path d="M10 10L20 20L300 200"/></g>
    <g id="image3-draw4" class="shape" timestamp="12.0" undo="-1" shape="image1-text3" style="color:#00aa00;visibility:hidden;font-size:40px">
      <switch><foreignObject width="600" height="120" x="400" y="500"><p xmlns="http://www.w3.org/1999/xhtml">Merhaba &lt;dünya&gt;<br/>ikinci satır</p></foreignObject></switch>
    </g>
    <g id="image3-draw6" class="shape" timestamp="70.0" undo="-1" shape="image3-line5" style="stroke:#000000;stroke-width:6;fill:url(https://evil.test/x);visibility:hidden"><line x1="0" y1="0" x2="1600" y2="1200"/></g>
    <g id="image3-draw7" class="shape" timestamp="95.0" undo="-1" shape="image3-line6" style="stroke:#000000"><line x1="5" y1="5" x2="6" y2="6"/></g>
  </g>
  <image id="image4" class="slide" in="90.0" out="100.0" xlink:href="presentation/deskshare.png" width="1280" height="720" x="0" y="0"/>
</svg>)X";

TEST(BbbWhiteboard, LegacyAnnotationsAreTheLastVersionOfEachShapeStillOnTheSlide) {
    ASSERT_FALSE(bbb_whiteboard_uses_tldraw(kLegacySvg));
    auto board = parse_bbb_whiteboard(kLegacySvg, "");
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_FALSE(board->tldraw);
    ASSERT_EQ(board->pages.size(), 1u) << "slide 2 had no annotations and screen sharing is no slide";
    const auto& page = board->pages[0];
    EXPECT_EQ(page.slide_path, "presentation/d2d9a672/slide-1.png");
    EXPECT_EQ(page.width, 1600);
    EXPECT_EQ(page.height, 1200);
    // The last showing (image3): the stroke's final version, the text and the new line; not the line
    // drawn after the showing ended; the undone rectangle is not in that canvas at all.
    EXPECT_EQ(page.annotations.size(), 3u);
    EXPECT_EQ(board->shapes, 3u);

    const std::string svg = whiteboard_page_svg(page, {"slide-1.png", ""});
    EXPECT_NE(svg.find("M10 10L20 20L300 200"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("\"M10 10L20 20\""), std::string::npos) << "the first version is replaced";
    EXPECT_NE(svg.find("Merhaba &lt;dünya&gt;"), std::string::npos) << "text is escaped, lines kept: " << svg;
    EXPECT_NE(svg.find("ikinci satır"), std::string::npos);
    EXPECT_NE(svg.find("fill=\"#00aa00\""), std::string::npos) << "the text's colour";
    EXPECT_NE(svg.find("x2=\"1600\""), std::string::npos);
    EXPECT_EQ(svg.find("x2=\"6\""), std::string::npos) << "drawn after the slide was left";
    EXPECT_EQ(svg.find("evil"), std::string::npos) << "url() values are not copied";
    EXPECT_EQ(svg.find("visibility"), std::string::npos);
    EXPECT_EQ(svg.find("foreignObject"), std::string::npos) << "text becomes SVG text the renderer draws";
    EXPECT_NE(svg.find("xlink:href=\"slide-1.png\""), std::string::npos);
    EXPECT_NE(svg.find("viewBox=\"0 0 1600 1200\""), std::string::npos);
}

TEST(BbbWhiteboard, LegacyUndoneShapesPollChartsAndHostileMarkupAreLeftOut) {
    constexpr const char* svg = R"X(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <image id="image1" class="slide" in="0" out="50" xlink:href="presentation/p/slide-1.png" width="800" height="600"/>
  <g class="canvas" id="canvas1" image="image1">
    <g class="shape" timestamp="8.0" undo="9.5" shape="rect" style="stroke:#0000ff"><path d="M1 1L2 2"/></g>
    <g class="shape" timestamp="10" undo="-1" shape="poll" style="visibility:hidden"><image xlink:href="presentation/p/poll.svg" width="3" height="3"/></g>
    <g class="shape" timestamp="11" undo="-1" shape="bad-path" style="stroke:#000"><path d="M0 0 javascript:alert(1)"/></g>
    <g class="shape" timestamp="12" undo="-1" shape="script" style="stroke:#000"><script>alert(1)</script><circle cx="1" cy="1" r="NaN"/></g>
    <g class="shape" timestamp="13" undo="-1" shape="ok" style="stroke:#123456;stroke-width:3"><circle cx="10" cy="10" r="4"/></g>
  </g>
  <image id="image2" class="slide" in="50" out="60" xlink:href="../../etc/passwd" width="800" height="600"/>
  <g class="canvas" id="canvas2" image="image2"><g class="shape" timestamp="55" undo="-1" shape="x"><circle cx="1" cy="1" r="1"/></g></g>
</svg>)X";
    auto board = parse_bbb_whiteboard(svg, "");
    ASSERT_TRUE(board) << board.error().message;
    ASSERT_EQ(board->pages.size(), 1u) << "a slide path that climbs out of the playback is no page";
    EXPECT_EQ(board->shapes, 1u);
    EXPECT_EQ(board->skipped_shapes, 3u) << "the poll chart, the bad path and the script";
    const std::string page = whiteboard_page_svg(board->pages[0], {});
    EXPECT_EQ(page.find("script"), std::string::npos);
    EXPECT_EQ(page.find("<image"), std::string::npos) << "no slide file: a white page";
    EXPECT_NE(page.find("stroke:#123456;stroke-width:3;"), std::string::npos) << page;
}

// BBB 2.7 (tldraw v1): a 1600x1200 slide is scaled by 0.9 to fit 1440x1080.
constexpr const char* kTldrawSvg =
    R"X(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <image id="image1" class="slide" in="0.0" out="30.0" xlink:href="presentation/e1f2/svgs/slide1.svg" width="1600" height="1200" x="0" y="0"/>
  <image id="image2" class="slide" in="30.0" out="45.0" xlink:href="presentation/e1f2/svgs/slide2.svg" width="1200" height="1200" x="0" y="0"/>
</svg>)X";

constexpr const char* kTldrawV1 = R"X({"bbb_version":"2.7.3",
 "1":{"timestamp":0.0,"shapes":[
   {"id":1,"timestamp":3.0,"undo":-1,"shape_data":{"id":"a1","type":"draw","point":[100,100],"points":[[0,0,0.5],[10,10,0.5]],"childIndex":1,"style":{"color":"red","size":"medium","dash":"draw","isFilled":false,"scale":1},"rotation":0}},
   {"id":2,"timestamp":4.0,"undo":-1,"shape_data":{"id":"a1","type":"draw","point":[100,100],"points":[[0,0,0.5],[10,10,0.5],[50,20,0.5]],"childIndex":1,"style":{"color":"red","size":"medium","dash":"draw","isFilled":false,"scale":1},"rotation":0}},
   {"id":3,"timestamp":5.0,"undo":-1,"shape_data":{"id":"b2","type":"rectangle","point":[200,200],"size":[300,100],"childIndex":2,"label":"Kare","style":{"color":"blue","size":"small","dash":"dashed","isFilled":true,"scale":1},"rotation":0.5}},
   {"id":4,"timestamp":6.0,"undo":8.0,"shape_data":{"id":"c3","type":"ellipse","point":[0,0],"radius":[50,30],"childIndex":3,"style":{"color":"green","size":"large"}}},
   {"id":5,"timestamp":7.0,"undo":-1,"shape_data":{"id":"d4","type":"text","point":[600,50],"size":[200,60],"text":"Türev\nlim","childIndex":4,"style":{"color":"black","size":"small","textAlign":"start","scale":1}}},
   {"id":6,"timestamp":9.0,"undo":-1,"shape_data":{"id":"e5","type":"sticky","point":[900,600],"size":[200,200],"text":"not","childIndex":5,"style":{"color":"yellow","size":"small"}}},
   {"id":7,"timestamp":10.0,"undo":-1,"shape_data":{"id":"f6","type":"arrow","point":[10,500],"handles":{"start":{"point":[0,0]},"end":{"point":[200,0]}},"childIndex":6,"style":{"color":"black","size":"small"}}},
   {"id":8,"timestamp":11.0,"undo":-1,"shape_data":{"id":"g7","type":"image","point":[0,0],"childIndex":7}},
   {"id":9,"timestamp":40.0,"undo":-1,"shape_data":{"id":"h8","type":"draw","point":[1,1],"points":[[0,0]],"childIndex":8,"style":{}}}
 ]},
 "2":{"timestamp":30.0,"shapes":[]}
})X";

TEST(BbbWhiteboard, TldrawV1ShapesAreDrawnInTheScaledSlideSpace) {
    ASSERT_TRUE(bbb_whiteboard_uses_tldraw(kTldrawSvg));
    auto board = parse_bbb_whiteboard(kTldrawSvg, kTldrawV1);
    ASSERT_TRUE(board) << board.error().message;
    EXPECT_TRUE(board->tldraw);
    ASSERT_EQ(board->pages.size(), 1u) << "slide 2 was not drawn on";
    const auto& page = board->pages[0];
    EXPECT_EQ(page.slide_path, "presentation/e1f2/svgs/slide1.svg");
    EXPECT_DOUBLE_EQ(page.width, 1440);
    EXPECT_DOUBLE_EQ(page.height, 1080);
    // draw (final version), rectangle, text, sticky, arrow; the ellipse was deleted, the image is not
    // drawn, and the stroke at 40 s came after the slide was left.
    EXPECT_EQ(board->shapes, 5u);
    EXPECT_EQ(board->skipped_shapes, 1u);
    const std::string svg = whiteboard_page_svg(page, {"slide-1.svg", ""});
    EXPECT_NE(svg.find("M0 0L10 10L50 20"), std::string::npos) << svg;
    EXPECT_NE(svg.find("translate(100 100)"), std::string::npos);
    EXPECT_NE(svg.find("stroke=\"#ff2133\""), std::string::npos) << "tldraw v1's red";
    EXPECT_NE(svg.find("rotate(28.648 150 50)"), std::string::npos) << "0.5 rad about the shape's centre";
    EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
    EXPECT_NE(svg.find(">Kare<"), std::string::npos);
    EXPECT_NE(svg.find(">Türev<"), std::string::npos);
    EXPECT_NE(svg.find(">lim<"), std::string::npos);
    EXPECT_NE(svg.find(">not<"), std::string::npos);
    EXPECT_EQ(svg.find("ellipse"), std::string::npos);
}

TEST(BbbWhiteboard, TldrawV2ShapesFromBbb3) {
    constexpr const char* v2 = R"X({"bbb_version":"3.0.4",
 "1":{"timestamp":0,"shapes":[
   {"id":1,"timestamp":2,"undo":-1,"shape_data":{"id":"shape:draw1","type":"draw","x":10,"y":20,"rotation":0,"index":"a1","parentId":"page:1","opacity":1,"props":{"segments":[{"type":"free","points":[{"x":0,"y":0,"z":0.5},{"x":5,"y":5,"z":0.5}]},{"type":"straight","points":[{"x":5,"y":5},{"x":40,"y":5}]}],"color":"blue","size":"l","fill":"none","dash":"draw","isClosed":false,"isComplete":true}}},
   {"id":2,"timestamp":3,"undo":-1,"shape_data":{"id":"shape:geo1","type":"geo","x":300,"y":300,"rotation":0,"index":"a2","parentId":"page:1","props":{"geo":"ellipse","w":200,"h":100,"color":"green","fill":"solid","dash":"solid","size":"m","text":"Hücre"}}},
   {"id":3,"timestamp":4,"undo":-1,"shape_data":{"id":"shape:arrow1","type":"arrow","x":100,"y":400,"rotation":0,"index":"a3","parentId":"page:1","props":{"start":{"type":"point","x":0,"y":0},"end":{"type":"binding","boundShapeId":"shape:geo1","normalizedAnchor":{"x":0.5,"y":0.5},"isExact":false},"color":"black","size":"s","arrowheadEnd":"arrow","arrowheadStart":"none","text":""}}},
   {"id":4,"timestamp":5,"undo":-1,"shape_data":{"id":"shape:note1","type":"note","x":800,"y":100,"rotation":0,"index":"a4","parentId":"page:1","props":{"color":"yellow","size":"m","text":"Ödev: s. 42","growY":0}}},
   {"id":5,"timestamp":6,"undo":-1,"shape_data":{"id":"shape:text1","type":"text","x":50,"y":700,"rotation":0,"index":"a5","parentId":"page:1","props":{"text":"x² + y²","color":"red","size":"xl","align":"middle","w":300,"autoSize":true}}},
   {"id":6,"timestamp":7,"undo":-1,"shape_data":{"id":"shape:line1","type":"line","x":0,"y":0,"rotation":0,"index":"a6","parentId":"page:1","props":{"color":"black","size":"m","points":{"p2":{"id":"p2","index":"a2","x":100,"y":0},"p1":{"id":"p1","index":"a1","x":0,"y":0},"p3":{"id":"p3","index":"a3","x":100,"y":100}}}}},
   {"id":7,"timestamp":8,"undo":-1,"shape_data":{"id":"shape:img","type":"image","x":0,"y":0,"index":"a7","props":{"w":10,"h":10}}},
   {"id":8,"timestamp":9,"undo":-1,"shape_data":{"id":"shape:zzz","type":"unknown-kind","x":0,"y":0,"index":"a8","props":{}}},
   {"id":9,"timestamp":9,"undo":-1,"shape_data":{"id":"shape:hl","type":"highlight","x":0,"y":0,"index":"a9","props":{"segments":[{"type":"free","points":[{"x":1,"y":1},{"x":90,"y":1}]}],"color":"yellow","size":"m"}}}
 ]}})X";
    constexpr const char* one_slide =
        R"X(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <image id="image1" class="slide" in="0" out="20" xlink:href="presentation/abc/svgs/slide1.svg" width="1440" height="1080"/></svg>)X";
    auto board = parse_bbb_whiteboard(one_slide, v2);
    ASSERT_TRUE(board) << board.error().message;
    ASSERT_EQ(board->pages.size(), 1u);
    EXPECT_EQ(board->shapes, 7u);
    EXPECT_EQ(board->skipped_shapes, 2u) << "the image and the unknown kind";
    EXPECT_DOUBLE_EQ(board->pages[0].width, 1440);
    const std::string svg = whiteboard_page_svg(board->pages[0], {"slide-1.svg", ""});
    EXPECT_NE(svg.find("M0 0L5 5L5 5L40 5"), std::string::npos) << "both segments of the stroke: " << svg;
    EXPECT_NE(svg.find("stroke=\"#4263eb\""), std::string::npos) << "tldraw v2's blue";
    EXPECT_NE(svg.find("<ellipse"), std::string::npos);
    EXPECT_NE(svg.find("fill=\"#d3e9e3\""), std::string::npos) << "a solid fill is the colour's semi tone";
    EXPECT_NE(svg.find(">Hücre<"), std::string::npos);
    EXPECT_NE(svg.find("M0 0L300 -50"), std::string::npos)
        << "the arrow ends at the bound shape's centre (400,350), from (100,400)";
    EXPECT_NE(svg.find(">Ödev: s. 42<"), std::string::npos);
    EXPECT_NE(svg.find(">x² + y²<"), std::string::npos);
    EXPECT_NE(svg.find("font-size=\"44\""), std::string::npos);
    EXPECT_NE(svg.find("M0 0L100 0L100 100"), std::string::npos) << "line points in their index order";
    EXPECT_NE(svg.find("stroke=\"#fddd00\""), std::string::npos) << "the highlighter's yellow";
}

TEST(BbbWhiteboard, Bbb260UsedALargerTldrawSpace) {
    auto board = parse_bbb_whiteboard(kTldrawSvg, std::string(kTldrawV1).replace(16, 5, "2.6.0"));
    ASSERT_TRUE(board) << board.error().message;
    ASSERT_EQ(board->pages.size(), 1u);
    EXPECT_DOUBLE_EQ(board->pages[0].width, 2048);
    EXPECT_DOUBLE_EQ(board->pages[0].height, 1536);
}

TEST(BbbWhiteboard, WhatIsNotAPlaybacksDataIsRefused) {
    EXPECT_FALSE(parse_bbb_whiteboard("", ""));
    EXPECT_FALSE(parse_bbb_whiteboard("<svg><image", ""));
    EXPECT_FALSE(parse_bbb_whiteboard("<html><body/></html>", ""));
    EXPECT_FALSE(parse_bbb_whiteboard(kTldrawSvg, "")) << "tldraw slides need tldraw.json";
    EXPECT_FALSE(parse_bbb_whiteboard(kTldrawSvg, "[1,2]"));
    // Shapes of the wrong types are skipped, not trusted.
    auto odd = parse_bbb_whiteboard(
        kTldrawSvg,
        R"X({"1":{"shapes":[{"timestamp":"x","shape_data":{"id":"a","type":"draw","point":"p","points":[["a",1],[1e308,2],[1,2]]}},{"shape_data":7},3]}})X");
    ASSERT_TRUE(odd) << odd.error().message;
    ASSERT_EQ(odd->pages.size(), 1u);
    EXPECT_NE(whiteboard_page_svg(odd->pages[0], {}).find("<circle cx=\"1\" cy=\"2\""), std::string::npos)
        << "the one usable point is a dot";
    auto empty = parse_bbb_whiteboard("<svg/>", "");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->pages.empty());
}

TEST(BbbWhiteboard, Tldrawv1TextHasNoSizeSoItStartsAtItsPointAndAMissingVersionMeansTheOldSpace) {
    constexpr const char* v1 = R"X({"1":{"shapes":[
   {"id":1,"timestamp":1,"undo":-1,"shape_data":{"id":"t","type":"text","point":[300,40],"text":"Soru 1","childIndex":1,"rotation":0,"style":{"color":"blue","size":"medium","textAlign":"middle"}}},
   {"id":2,"timestamp":1,"undo":-1,"shape_data":{"id":"e","type":"ellipse","point":[10,10],"radius":[40,20],"rotation":1.5707963267948966,"childIndex":2,"style":{}}}]}})X";
    auto board = parse_bbb_whiteboard(kTldrawSvg, v1);
    ASSERT_TRUE(board) << board.error().message;
    ASSERT_EQ(board->pages.size(), 1u);
    EXPECT_DOUBLE_EQ(board->pages[0].width, 2048) << "no bbb_version: BBB's player uses 2048x1536";
    const std::string svg = whiteboard_page_svg(board->pages[0], {});
    EXPECT_NE(svg.find("text-anchor=\"start\""), std::string::npos) << svg;
    EXPECT_NE(svg.find("<tspan x=\"0\""), std::string::npos) << "at the text's left edge, not centred on it";
    EXPECT_NE(svg.find("rotate(90 40 20)"), std::string::npos) << "an ellipse turns about its centre: " << svg;
}

TEST(BbbWhiteboard, LegacyPollBackdropsNestedTldrawGroupsAndUnwritableCharacters) {
    constexpr const char* legacy =
        R"X(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <image id="image1" class="slide" in="0" out="50" xlink:href="presentation/p/slide-1.png" width="800" height="600"/>
  <g class="canvas" id="canvas1" image="image1">
    <g class="shape" timestamp="1" undo="-1" shape="poll" style="visibility:hidden"><rect x="1" y="1" width="300" height="200" fill="white" stroke="black"/><image xlink:href="presentation/p/poll.svg" width="3" height="3"/></g>
    <g class="shape" timestamp="2" undo="-1" shape="t" style="color:#000000;font-size:5000px"><switch><foreignObject x="1" y="1" width="9" height="9"><p>a&#xFFFF;b&#xFFFE;c see presentation/x/svgs/slide1.svg</p></foreignObject></switch></g>
    <g class="shape" timestamp="3" undo="20" shape="gone" style="stroke:#000;stroke-width:1e9"><line x1="0" y1="0" x2="1" y2="1"/></g>
    <g class="shape" timestamp="4" undo="50" shape="undone-at-the-end" style="stroke:#000"><line x1="0" y1="0" x2="2" y2="2"/></g>
  </g>
</svg>)X";
    EXPECT_FALSE(bbb_whiteboard_uses_tldraw(legacy)) << "only the slides' addresses tell";
    auto board = parse_bbb_whiteboard(legacy, "");
    ASSERT_TRUE(board) << board.error().message;
    ASSERT_EQ(board->pages.size(), 1u);
    EXPECT_EQ(board->shapes, 1u) << "the text; the poll is skipped, the lines were undone by the end";
    EXPECT_EQ(board->skipped_shapes, 1u);
    const std::string svg = whiteboard_page_svg(board->pages[0], {});
    EXPECT_NE(svg.find(">abc see presentation/x/svgs/slide1.svg<"), std::string::npos) << svg;
    EXPECT_NE(svg.find("font-size=\"1000\""), std::string::npos) << "font sizes are capped";

    constexpr const char* nested = R"X({"bbb_version":"3.0.0","1":{"shapes":[
   {"id":1,"timestamp":1,"undo":-1,"shape_data":{"id":"shape:g","type":"group","x":100,"y":100,"index":"a1","parentId":"page:p","props":{}}},
   {"id":2,"timestamp":1,"undo":-1,"shape_data":{"id":"shape:f","type":"frame","x":10,"y":10,"index":"a2","parentId":"shape:g","props":{"w":50,"h":50}}},
   {"id":3,"timestamp":1,"undo":-1,"shape_data":{"id":"shape:r","type":"geo","x":5,"y":5,"index":"a3","parentId":"shape:f","props":{"geo":"rectangle","w":10,"h":10}}},
   {"id":4,"timestamp":1,"undo":-1,"shape_data":{"id":"shape:loop","type":"geo","x":1,"y":1,"index":"a4","parentId":"shape:loop","props":{"geo":"star","w":10,"h":10}}}]}})X";
    constexpr const char* slide =
        R"X(<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
  <image id="image1" class="slide" in="0" out="9" xlink:href="presentation/q/svgs/slide1.svg" width="1440" height="1080"/></svg>)X";
    auto groups = parse_bbb_whiteboard(slide, nested);
    ASSERT_TRUE(groups) << groups.error().message;
    ASSERT_EQ(groups->pages.size(), 1u);
    EXPECT_EQ(groups->shapes, 3u) << "the frame, the rectangle and the star; a group draws nothing itself";
    EXPECT_EQ(groups->skipped_shapes, 0u);
    const std::string page = whiteboard_page_svg(groups->pages[0], {});
    EXPECT_NE(page.find("translate(115 115)"), std::string::npos) << "inside a frame inside a group: " << page;
    EXPECT_NE(page.find("translate(1 1)"), std::string::npos) << "its own parent: placed where it says";
}

TEST(BbbWhiteboard, AnSvgSlideIsNestedSoItStaysVectorGraphics) {
    WhiteboardPage page;
    page.slide_path = "presentation/p/svgs/slide1.svg";
    page.width = 1440;
    page.height = 1080;
    const std::string svg = whiteboard_page_svg(
        page,
        {"",
         R"X(<svg xmlns="http://www.w3.org/2000/svg" width="720pt" height="540pt"><path id="liveclass" d="M0 0L720 540"/></svg>)X"});
    EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 960 720\" x=\"0\" y=\"0\" "
                       "width=\"1440\" height=\"1080\">"),
              std::string::npos)
        << svg;
    EXPECT_NE(svg.find("d=\"M0 0L720 540\""), std::string::npos);
    EXPECT_EQ(svg.find("<image"), std::string::npos);
    EXPECT_TRUE(is_svg_document("<svg/>"));
    EXPECT_FALSE(is_svg_document("<html/>"));
    EXPECT_FALSE(is_svg_document("<svg"));
    const std::string not_svg = whiteboard_page_svg(page, {"", "<html><body>oturum açın</body></html>"});
    EXPECT_EQ(not_svg.find("oturum"), std::string::npos) << "what is not an SVG document is no slide";
}

TEST(BbbWhiteboard, SlidePathsArePlainRelativePaths) {
    EXPECT_TRUE(safe_slide_path("presentation/d2d9a672-1764150000000/slide-1.png"));
    EXPECT_TRUE(safe_slide_path("presentation/x/svgs/slide12.svg"));
    EXPECT_FALSE(safe_slide_path("/etc/passwd"));
    EXPECT_FALSE(safe_slide_path("presentation/../../secret"));
    EXPECT_FALSE(safe_slide_path("presentation//x.png"));
    EXPECT_FALSE(safe_slide_path("https://evil.test/x.png"));
    EXPECT_FALSE(safe_slide_path("presentation/x.png?a=b"));
    EXPECT_FALSE(safe_slide_path("presentation/./x.png"));
    EXPECT_FALSE(safe_slide_path(""));
    EXPECT_EQ(bbb_playback_data_url("https://bbb.okul.test/playback/presentation/2.3/abc-123", "abc-123"),
              "https://bbb.okul.test/presentation/abc-123/");
    EXPECT_EQ(bbb_playback_data_url("https://bbb.okul.test/p", "../x"), "");
}

}  // namespace
}  // namespace lc::providers
