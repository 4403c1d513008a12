# One image for every process of the stack; docker-compose picks the entry point per service.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save tsx
COPY . .
ENV NODE_ENV=production
USER node
