import { readFileSync } from "node:fs";

export interface GuildUser {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface GuildProduct {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface GuildReview {
  id: string;
  body: string;
  productUpc: string;
}
export interface GuildInventory {
  upc: string;
  inStock: boolean;
}
export interface GuildData {
  users: GuildUser[];
  products: GuildProduct[];
  reviews: GuildReview[];
  inventory: GuildInventory[];
}

export const GUILD_DATA_PATH = new URL("./data.json", import.meta.url);

export function loadGuildData(path: URL | string = GUILD_DATA_PATH): GuildData {
  return JSON.parse(readFileSync(path, "utf8")) as GuildData;
}
