import { cumulative, pick, pickWeighted, unit } from "./prng.ts";

/** Vietnamese personal names and address lines, with family-name frequencies close to the census. */

const FAMILY_NAMES = [
  "Nguyễn",
  "Trần",
  "Lê",
  "Phạm",
  "Hoàng",
  "Huỳnh",
  "Phan",
  "Vũ",
  "Võ",
  "Đặng",
  "Bùi",
  "Đỗ",
  "Hồ",
  "Ngô",
  "Dương",
  "Lý",
  "Đinh",
  "Trịnh",
  "Mai",
  "Lương",
  "Cao",
  "Tạ",
  "Hà",
  "Lâm",
  "Tô",
  "Đào",
  "Chu",
  "Quách",
] as const;
const FAMILY_WEIGHTS = cumulative([
  38, 11, 9.5, 7, 4, 2, 4.5, 2.5, 2, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5, 0.8, 0.6, 0.6, 0.5, 0.5, 0.4, 0.5, 0.4,
  0.3, 0.4, 0.3, 0.2,
]);

const MIDDLE_NAMES = {
  MALE: ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Gia", "Đình", "Ngọc"],
  FEMALE: [
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Hồng",
    "Kim",
    "Bảo",
    "Mai",
    "Phương",
    "Khánh",
    "Minh",
  ],
} as const;

const GIVEN_NAMES = {
  MALE: [
    "Anh",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khánh",
    "Kiên",
    "Long",
    "Lâm",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Vũ",
    "Lộc",
    "Tùng",
    "Hưng",
  ],
  FEMALE: [
    "An",
    "Anh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Thu",
    "Thủy",
    "Trang",
    "Trâm",
    "Uyên",
    "Vân",
    "Yến",
    "Xuân",
    "Tâm",
  ],
} as const;

export function familyName(random: number): string {
  return pickWeighted(FAMILY_NAMES, FAMILY_WEIGHTS, random);
}

export function fullName(
  family: string,
  gender: "MALE" | "FEMALE",
  middleRandom: number,
  givenRandom: number,
) {
  return `${family} ${pick(MIDDLE_NAMES[gender], middleRandom)} ${pick(GIVEN_NAMES[gender], givenRandom)}`;
}

const STREETS = [
  "Lê Lợi",
  "Trần Hưng Đạo",
  "Nguyễn Trãi",
  "Hai Bà Trưng",
  "Quang Trung",
  "Lý Thường Kiệt",
  "Nguyễn Du",
  "Phan Đình Phùng",
  "Hùng Vương",
  "Lê Duẩn",
  "Điện Biên Phủ",
  "Nguyễn Huệ",
  "Bà Triệu",
  "Trần Phú",
  "Võ Thị Sáu",
  "Lê Hồng Phong",
  "Nguyễn Thị Minh Khai",
  "Phạm Văn Đồng",
  "Lê Thánh Tông",
  "Ngô Quyền",
] as const;

const HAMLET_FIRST = ["Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Tân", "Phú", "An", "Hòa", "Yên"];
const HAMLET_SECOND = [
  "Sơn",
  "Lộc",
  "Hòa",
  "Thành",
  "Phú",
  "Xuân",
  "Lâm",
  "Bình",
  "Hưng",
  "An",
  "Thịnh",
  "Mỹ",
];

/**
 * A residential address line, derived from `seed`: house number, street and residential group in a ward;
 * house number and hamlet (numbered or named) elsewhere.
 */
export function addressLine(ward: boolean, seed: number): string {
  const houseNumber = 1 + Math.floor(unit(seed, 1) * 240);
  if (ward)
    return `Số ${houseNumber} đường ${pick(STREETS, unit(seed, 2))}, tổ dân phố ${1 + Math.floor(unit(seed, 3) * 30)}`;
  const hamlet =
    unit(seed, 4) < 0.35
      ? `thôn ${1 + Math.floor(unit(seed, 3) * 15)}`
      : `thôn ${pick(HAMLET_FIRST, unit(seed, 2))} ${pick(HAMLET_SECOND, unit(seed, 3))}`;
  return `Số ${houseNumber}, ${hamlet}`;
}

const BRAND_SYLLABLES = [
  "Hoàng",
  "Phát",
  "Thịnh",
  "Minh",
  "An",
  "Phú",
  "Hưng",
  "Thành",
  "Đạt",
  "Tân",
  "Việt",
  "Long",
  "Kim",
  "Nam",
  "Bảo",
  "Gia",
  "Trường",
  "Sơn",
  "Hải",
  "Quang",
  "Đức",
  "Thái",
  "Lộc",
  "Vạn",
  "Hòa",
  "Tín",
  "Nhật",
  "Hồng",
] as const;

/** A two-syllable trade name such as "Hoàng Phát". */
export function brandName(a: number, b: number): string {
  const first = pick(BRAND_SYLLABLES, a);
  let second = pick(BRAND_SYLLABLES, b);
  if (second === first)
    second = BRAND_SYLLABLES[(BRAND_SYLLABLES.indexOf(first) + 7) % BRAND_SYLLABLES.length]!;
  return `${first} ${second}`;
}

/** Folds Vietnamese text to unaccented lower case, for searching and for transliterated names. */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}
