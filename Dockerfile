# One image for every service of docker-compose.yml; each service picks its entry point.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# The web pages the gateway serves (web/dist is not committed).
RUN npm run web:build
ENV NODE_ENV=production HOST=0.0.0.0
CMD ["npx", "tsx", "gateway/src/index.ts"]
