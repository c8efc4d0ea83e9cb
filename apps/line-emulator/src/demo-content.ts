// Sample content (Flex reminder, rich menu image) used by the screenshot script and tests.
import { deflateSync } from 'node:zlib';

/** The appointment reminder Flex bubble Careline sends (shape used in demos and tests). */
export function reminderFlex(): Record<string, unknown> {
  return {
    type: 'flex',
    altText: '門診提醒：11/28（五）上午 09:30 王大明醫師',
    contents: {
      type: 'bubble',
      header: {
        type: 'box',
        layout: 'vertical',
        backgroundColor: '#06C755',
        paddingAll: '16px',
        contents: [
          { type: 'text', text: '門診提醒', color: '#FFFFFF', weight: 'bold', size: 'lg' },
          { type: 'text', text: '康健診所', color: '#E8FFF0', size: 'xs', margin: 'sm' },
        ],
      },
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'md',
        contents: [
          { type: 'text', text: '陳小明 您好，提醒您明天的看診：', wrap: true, size: 'sm', color: '#555555' },
          {
            type: 'box',
            layout: 'baseline',
            spacing: 'sm',
            contents: [
              { type: 'text', text: '日期', color: '#aaaaaa', size: 'sm', flex: 2 },
              { type: 'text', text: '11/28（五）', wrap: true, size: 'sm', flex: 5, weight: 'bold' },
            ],
          },
          {
            type: 'box',
            layout: 'baseline',
            spacing: 'sm',
            contents: [
              { type: 'text', text: '時間', color: '#aaaaaa', size: 'sm', flex: 2 },
              { type: 'text', text: '上午 09:30', size: 'sm', flex: 5, weight: 'bold' },
            ],
          },
          {
            type: 'box',
            layout: 'baseline',
            spacing: 'sm',
            contents: [
              { type: 'text', text: '醫師', color: '#aaaaaa', size: 'sm', flex: 2 },
              { type: 'text', text: '王大明 醫師（家醫科）', size: 'sm', flex: 5 },
            ],
          },
          { type: 'separator', margin: 'lg' },
          {
            type: 'text',
            margin: 'md',
            size: 'xs',
            color: '#888888',
            wrap: true,
            contents: [
              { type: 'span', text: '請攜帶健保卡，' },
              { type: 'span', text: '提前 10 分鐘', weight: 'bold', color: '#E5484D' },
              { type: 'span', text: '報到。' },
            ],
          },
        ],
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        spacing: 'sm',
        contents: [
          {
            type: 'button',
            style: 'primary',
            color: '#06C755',
            action: { type: 'postback', label: '確認赴約', data: 'action=confirm&appt=A100', displayText: '確認赴約' },
          },
          {
            type: 'box',
            layout: 'horizontal',
            spacing: 'sm',
            contents: [
              {
                type: 'button',
                style: 'secondary',
                height: 'sm',
                action: { type: 'datetimepicker', label: '改期', data: 'action=reschedule&appt=A100', mode: 'date' },
              },
              {
                type: 'button',
                style: 'secondary',
                height: 'sm',
                action: { type: 'postback', label: '取消', data: 'action=cancel&appt=A100', displayText: '取消預約' },
              },
            ],
          },
        ],
      },
    },
  };
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG of width×height, colour per pixel from `paint(x, y)`. */
export function png(width: number, height: number, paint: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y);
      raw[o++] = r;
      raw[o++] = g;
      raw[o++] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 2500×843 rich menu image with three tiles (plain colours; labels come from the page). */
export function richMenuImage(): Buffer {
  const w = 1250;
  const h = 421;
  const cols: [number, number, number][] = [
    [6, 199, 85],
    [38, 166, 154],
    [66, 101, 154],
  ];
  return png(w, h, (x, y) => {
    const i = Math.min(2, Math.floor(x / (w / 3)));
    const edge = x % Math.floor(w / 3) < 3 || y < 3;
    return edge ? [255, 255, 255] : cols[i];
  });
}
