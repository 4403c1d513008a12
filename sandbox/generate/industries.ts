import { cumulative } from "./prng.ts";

/**
 * VSIC 2018 level-4 industries used by the generated registry, with the words enterprises put in their
 * names and a relative frequency (trade, construction and services dominate the real registry).
 */
export interface Industry {
  code: string;
  name: string;
  /** The word an enterprise in this industry puts in its name. */
  nameWord: string;
  englishWord: string;
  weight: number;
}

export const INDUSTRIES: readonly Industry[] = [
  { code: "0111", name: "Trồng lúa", nameWord: "Nông nghiệp", englishWord: "AGRICULTURE", weight: 1 },
  { code: "0118", name: "Trồng rau, đậu các loại và trồng hoa", nameWord: "Nông sản", englishWord: "AGRICULTURAL PRODUCTS", weight: 1 },
  { code: "0146", name: "Chăn nuôi gia cầm", nameWord: "Chăn nuôi", englishWord: "LIVESTOCK", weight: 1 },
  { code: "0322", name: "Nuôi trồng thủy sản nội địa", nameWord: "Thủy sản", englishWord: "AQUACULTURE", weight: 1 },
  { code: "1010", name: "Chế biến, bảo quản thịt và các sản phẩm từ thịt", nameWord: "Thực phẩm", englishWord: "FOODS", weight: 1 },
  { code: "1020", name: "Chế biến, bảo quản thủy sản và các sản phẩm từ thủy sản", nameWord: "Chế biến Thủy sản", englishWord: "SEAFOOD PROCESSING", weight: 1 },
  { code: "1079", name: "Sản xuất thực phẩm khác chưa được phân vào đâu", nameWord: "Thực phẩm", englishWord: "FOOD PRODUCTION", weight: 1.5 },
  { code: "1410", name: "May trang phục (trừ trang phục từ da lông thú)", nameWord: "May mặc", englishWord: "GARMENT", weight: 2 },
  { code: "1520", name: "Sản xuất giày, dép", nameWord: "Giày da", englishWord: "FOOTWEAR", weight: 1 },
  { code: "1622", name: "Sản xuất đồ gỗ xây dựng", nameWord: "Gỗ", englishWord: "WOOD", weight: 1 },
  { code: "2220", name: "Sản xuất sản phẩm từ plastic", nameWord: "Nhựa", englishWord: "PLASTICS", weight: 1 },
  { code: "2395", name: "Sản xuất bê tông và các sản phẩm từ bê tông, xi măng và thạch cao", nameWord: "Bê tông", englishWord: "CONCRETE", weight: 1 },
  { code: "2511", name: "Sản xuất các cấu kiện kim loại", nameWord: "Cơ khí", englishWord: "MECHANICAL", weight: 1.5 },
  { code: "3100", name: "Sản xuất giường, tủ, bàn, ghế", nameWord: "Nội thất", englishWord: "FURNITURE", weight: 1.5 },
  { code: "3511", name: "Sản xuất điện", nameWord: "Năng lượng", englishWord: "ENERGY", weight: 0.5 },
  { code: "4101", name: "Xây dựng nhà để ở", nameWord: "Xây dựng", englishWord: "CONSTRUCTION", weight: 6 },
  { code: "4102", name: "Xây dựng nhà không để ở", nameWord: "Xây dựng", englishWord: "CONSTRUCTION", weight: 3 },
  { code: "4212", name: "Xây dựng công trình đường bộ", nameWord: "Xây dựng Công trình", englishWord: "CIVIL ENGINEERING", weight: 3 },
  { code: "4321", name: "Lắp đặt hệ thống điện", nameWord: "Điện", englishWord: "ELECTRICAL", weight: 2 },
  { code: "4330", name: "Hoàn thiện công trình xây dựng", nameWord: "Trang trí Nội thất", englishWord: "INTERIOR DECORATION", weight: 2 },
  { code: "4511", name: "Bán buôn ô tô và xe có động cơ khác", nameWord: "Ô tô", englishWord: "AUTOMOBILE", weight: 1 },
  { code: "4520", name: "Bảo dưỡng, sửa chữa ô tô và xe có động cơ khác", nameWord: "Dịch vụ Ô tô", englishWord: "AUTO SERVICES", weight: 1 },
  { code: "4620", name: "Bán buôn nông, lâm sản nguyên liệu (trừ gỗ, tre, nứa) và động vật sống", nameWord: "Thương mại Nông sản", englishWord: "AGRICULTURAL TRADING", weight: 2 },
  { code: "4632", name: "Bán buôn thực phẩm", nameWord: "Thương mại Thực phẩm", englishWord: "FOOD TRADING", weight: 3 },
  { code: "4649", name: "Bán buôn đồ dùng khác cho gia đình", nameWord: "Thương mại", englishWord: "TRADING", weight: 5 },
  { code: "4651", name: "Bán buôn máy vi tính, thiết bị ngoại vi và phần mềm", nameWord: "Công nghệ", englishWord: "TECHNOLOGY", weight: 2 },
  { code: "4659", name: "Bán buôn máy móc, thiết bị và phụ tùng máy khác", nameWord: "Thiết bị", englishWord: "EQUIPMENT", weight: 3 },
  { code: "4663", name: "Bán buôn vật liệu, thiết bị lắp đặt khác trong xây dựng", nameWord: "Vật liệu Xây dựng", englishWord: "BUILDING MATERIALS", weight: 4 },
  { code: "4669", name: "Bán buôn chuyên doanh khác chưa được phân vào đâu", nameWord: "Thương mại Tổng hợp", englishWord: "GENERAL TRADING", weight: 4 },
  { code: "4711", name: "Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào chiếm tỷ trọng lớn trong các cửa hàng kinh doanh tổng hợp", nameWord: "Siêu thị", englishWord: "RETAIL", weight: 2 },
  { code: "4722", name: "Bán lẻ thực phẩm trong các cửa hàng chuyên doanh", nameWord: "Thực phẩm Sạch", englishWord: "FRESH FOOD", weight: 1.5 },
  { code: "4773", name: "Bán lẻ hàng hóa khác mới trong các cửa hàng chuyên doanh", nameWord: "Thương mại Dịch vụ", englishWord: "TRADING AND SERVICES", weight: 3 },
  { code: "4932", name: "Vận tải hành khách đường bộ khác", nameWord: "Vận tải", englishWord: "TRANSPORT", weight: 1.5 },
  { code: "4933", name: "Vận tải hàng hóa bằng đường bộ", nameWord: "Vận tải", englishWord: "LOGISTICS", weight: 3 },
  { code: "5210", name: "Kho bãi và lưu giữ hàng hóa", nameWord: "Kho vận", englishWord: "WAREHOUSING", weight: 1 },
  { code: "5510", name: "Dịch vụ lưu trú ngắn ngày", nameWord: "Khách sạn", englishWord: "HOTEL", weight: 1.5 },
  { code: "5610", name: "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động", nameWord: "Nhà hàng", englishWord: "RESTAURANT", weight: 2 },
  { code: "6201", name: "Lập trình máy vi tính", nameWord: "Phần mềm", englishWord: "SOFTWARE", weight: 1.5 },
  { code: "6202", name: "Dịch vụ tư vấn máy vi tính và quản trị hệ thống máy vi tính", nameWord: "Giải pháp Công nghệ", englishWord: "TECHNOLOGY SOLUTIONS", weight: 1 },
  { code: "6810", name: "Kinh doanh bất động sản, quyền sử dụng đất thuộc chủ sở hữu, chủ sử dụng hoặc đi thuê", nameWord: "Bất động sản", englishWord: "REAL ESTATE", weight: 3 },
  { code: "7020", name: "Hoạt động tư vấn quản lý", nameWord: "Tư vấn", englishWord: "CONSULTING", weight: 2 },
  { code: "7110", name: "Hoạt động kiến trúc và tư vấn kỹ thuật có liên quan", nameWord: "Tư vấn Thiết kế", englishWord: "DESIGN CONSULTANCY", weight: 2 },
  { code: "7310", name: "Quảng cáo", nameWord: "Truyền thông", englishWord: "MEDIA", weight: 1.5 },
  { code: "7912", name: "Điều hành tua du lịch", nameWord: "Du lịch", englishWord: "TRAVEL", weight: 1 },
  { code: "8299", name: "Hoạt động dịch vụ hỗ trợ kinh doanh khác còn lại chưa được phân vào đâu", nameWord: "Dịch vụ", englishWord: "SERVICES", weight: 2 },
  { code: "8559", name: "Giáo dục khác chưa được phân vào đâu", nameWord: "Giáo dục", englishWord: "EDUCATION", weight: 1 },
  { code: "8620", name: "Hoạt động của các phòng khám đa khoa, chuyên khoa và nha khoa", nameWord: "Y tế", englishWord: "MEDICAL", weight: 0.8 },
  { code: "9610", name: "Dịch vụ tắm hơi, massage và các dịch vụ tăng cường sức khoẻ tương tự (trừ hoạt động thể thao)", nameWord: "Chăm sóc Sức khỏe", englishWord: "WELLNESS", weight: 0.5 },
];

export const INDUSTRY_WEIGHTS = cumulative(INDUSTRIES.map((industry) => industry.weight));
export const INDUSTRY_BY_CODE = new Map(INDUSTRIES.map((industry) => [industry.code, industry]));
