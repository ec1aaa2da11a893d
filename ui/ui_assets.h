// UiAssets: the files of the web page (ui/assets/: HTML, CSS, JavaScript), compiled into the
// binary by ui/CMakeLists.txt, so that `weft ui` serves them with no file and no network.
//
// Static data, built on first use; any thread.
#ifndef WEFT_UI_UI_ASSETS_H_
#define WEFT_UI_UI_ASSETS_H_

#include <string_view>
#include <vector>

namespace weft::ui {

struct UiAsset {
  std::string_view path;  // "/app.js": the file's name under ui/assets, as the page asks for it
  std::string_view body;  // exactly as committed
};

const std::vector<UiAsset>& UiAssets();

// "text/html; charset=utf-8" for .html, and so on; "application/octet-stream" otherwise.
std::string_view ContentTypeOf(std::string_view path);

}  // namespace weft::ui

#endif  // WEFT_UI_UI_ASSETS_H_
