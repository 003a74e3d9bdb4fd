# Griddle's image for a real cluster: the scheduler, the CLI and the executor.
FROM node:20-bookworm-slim
WORKDIR /opt/griddle
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev
ENV GRIDDLE_LOG_JSON=1
ENTRYPOINT ["node"]
CMD ["dist/scheduler/main.js", "--help"]
