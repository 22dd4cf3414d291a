import type { Row, Screen, Tile } from './screen.js';

/**
 * The simulated phone's apps and their screens. Every screen comes from one function of its app
 * and state, so a given screen looks the same in every episode that reaches it; the contents
 * (contacts, playlists, settings, ...) are fixed lists, so an item is always in the same row.
 */

export interface App {
  name: string;
  color: string;
  /** Launcher page (1 or 2). */
  page: 1 | 2;
}

export const APPS: readonly App[] = [
  { name: 'Chrome', color: '#1a73e8', page: 1 },
  { name: 'Messages', color: '#0b57d0', page: 1 },
  { name: 'Gmail', color: '#d93025', page: 1 },
  { name: 'Photos', color: '#f29900', page: 1 },
  { name: 'YouTube', color: '#cc0000', page: 1 },
  { name: 'Spotify', color: '#1db954', page: 1 },
  { name: 'Maps', color: '#188038', page: 1 },
  { name: 'Clock', color: '#5f6368', page: 1 },
  { name: 'Calendar', color: '#4285f4', page: 1 },
  { name: 'Settings', color: '#3c4043', page: 1 },
  { name: 'Contacts', color: '#7b1fa2', page: 1 },
  { name: 'Amazon', color: '#ff9900', page: 1 },
  { name: 'X', color: '#111111', page: 1 },
  { name: 'Calculator', color: '#8ab4f8', page: 1 },
  { name: 'Files', color: '#34a853', page: 1 },
  { name: 'Play Store', color: '#01875f', page: 1 },
  { name: 'Keep Notes', color: '#fbbc04', page: 2 },
  { name: 'Weather', color: '#00acc1', page: 2 },
  { name: 'eBay', color: '#e53238', page: 2 },
  { name: 'TickTick', color: '#4772fa', page: 2 },
  { name: 'Instagram', color: '#c13584', page: 2 },
  { name: 'Reddit', color: '#ff4500', page: 2 },
  { name: 'Zoom', color: '#2d8cff', page: 2 },
  { name: 'Camera', color: '#455a64', page: 2 },
];

const BY_NAME = new Map(APPS.map((a) => [a.name, a]));

export function app(name: string): App {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`simulated phone: no app "${name}"`);
  return found;
}

export const SYSTEM_COLOR = '#202124';

export function appColor(name: string): string {
  return BY_NAME.get(name)?.color ?? SYSTEM_COLOR;
}

export const appTile = (name: string): Tile => ({ label: name, color: appColor(name) });

// ---- Fixed contents -------------------------------------------------------------------------

export const CONTACTS = [
  'Alex',
  'Ben',
  'Chloe',
  'Daniel',
  'Emma',
  'Farah',
  'George',
  'Hana',
  'Ivan',
  'Julia',
  'Kofi',
  'Lena',
  'Maya',
  'Nina',
  'Oscar',
  'Priya',
] as const;

export const PLAYLISTS = [
  'Chill',
  'Workout',
  'Focus',
  'Road Trip',
  'Party',
  'Sleep',
  'Jazz Classics',
  'Indie Mix',
  'Morning Coffee',
  'Throwbacks',
  'Rainy Day',
  'Dinner Party',
  'Study Session',
  'Summer Hits',
] as const;

export const PHOTOS: readonly Tile[] = [
  { label: 'Sunset', color: '#f4511e' },
  { label: 'Beach', color: '#039be5' },
  { label: 'Forest', color: '#2e7d32' },
  { label: 'City', color: '#757575' },
  { label: 'Cat', color: '#8d6e63' },
  { label: 'Mountains', color: '#5c6bc0' },
  { label: 'Flowers', color: '#ec407a' },
  { label: 'Cake', color: '#ffca28' },
  { label: 'Dog', color: '#a1887f' },
];

/** Settings sections with their switches, in screen order; the last ones are below the fold. */
export const SETTINGS: readonly { section: string; toggles: readonly string[] }[] = [
  { section: 'Network & internet', toggles: ['Wi-Fi', 'Airplane mode', 'Hotspot'] },
  { section: 'Connected devices', toggles: ['Bluetooth', 'NFC'] },
  { section: 'Apps', toggles: [] },
  { section: 'Notifications', toggles: ['Notification dot', 'Lock screen alerts'] },
  { section: 'Battery', toggles: ['Battery Saver', 'Adaptive battery', 'Battery percentage'] },
  { section: 'Storage', toggles: [] },
  { section: 'Sound & vibration', toggles: ['Do Not Disturb', 'Vibrate for calls'] },
  { section: 'Display', toggles: ['Dark theme', 'Adaptive brightness', 'Auto-rotate'] },
  { section: 'Wallpaper & style', toggles: ['Themed icons'] },
  { section: 'Accessibility', toggles: ['Live Caption', 'Magnification'] },
  { section: 'Security & privacy', toggles: ['Screen lock sound'] },
  { section: 'Location', toggles: ['Use location', 'Wi-Fi scanning'] },
];

export const QUICK_SETTINGS = [
  'Wi-Fi',
  'Bluetooth',
  'Flashlight',
  'Airplane',
  'Do Not Disturb',
  'Battery Saver',
  'Dark theme',
  'Hotspot',
  'Location',
] as const;
/** Quick settings that are on before the task. */
export const QUICK_SETTINGS_ON = new Set(['Wi-Fi', 'Location']);

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** How many rows a plain list shows with a search field above it (see layoutScreen). */
export const ROWS_VISIBLE_UNDER_FIELD = 8;
/** Scroll step: rows a swipe moves a list by. */
export const SCROLL_ROWS = 5;

/** A stable small number from a text (prices, temperatures). */
function textHash(text: string, mod: number): number {
  let h = 7;
  for (const c of text) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 100_003;
  return h % mod;
}

const rows = (labels: readonly string[]): Row[] => labels.map((label) => ({ label }));

// ---- System screens ------------------------------------------------------------------------

const SUGGESTIONS = 4;

export function homeScreen(page: 1 | 2, recent: readonly string[]): Screen {
  return {
    app: 'Home',
    kind: 'home',
    title: page === 1 ? 'Home' : 'Home 2',
    fields: [{ hint: 'Search', text: '' }],
    tiles: APPS.filter((a) => a.page === page).map((a) => appTile(a.name)),
    dock: recent.slice(0, SUGGESTIONS).map(appTile),
  };
}

export function recentsScreen(recent: readonly string[]): Screen {
  return { app: 'System', kind: 'recents', title: 'Recents', dock: recent.map(appTile) };
}

export function shadeScreen(on: ReadonlySet<string>): Screen {
  return {
    app: 'System',
    kind: 'shade',
    title: 'Quick settings',
    tiles: QUICK_SETTINGS.map((label) => ({ label, color: '#8ab4f8', on: on.has(label) })),
  };
}

export function shareSheet(under: Screen, targets: readonly string[]): Screen {
  return { ...under, sheet: { title: 'Share', tiles: targets.map(appTile) } };
}

export const SHARE_TARGETS = ['Messages', 'Gmail', 'X', 'Keep Notes', 'Instagram', 'Files', 'Chrome', 'Zoom'];

/** The first screen of an app no task uses beyond opening it. */
export function genericStart(name: string): Screen {
  return {
    app: name,
    title: name,
    icons: ['Search', 'More'],
    rows: rows(['Recent', 'Favourites', 'Shared with you', 'Settings', 'Help & feedback']),
  };
}

// ---- Shops (Amazon, eBay) ------------------------------------------------------------------

const SHOP_TABS = { Amazon: ['Home', 'You', 'Cart', 'Menu'], eBay: ['Home', 'Search', 'Selling', 'My eBay'] } as const;
type Shop = keyof typeof SHOP_TABS;

export function shopStart(shop: Shop): Screen {
  return {
    app: shop,
    title: shop,
    fields: [{ hint: `Search ${shop}`, text: '' }],
    rows: rows(["Today's deals", 'Buy again', 'Your lists', 'Gift cards']),
    tabs: { items: [...SHOP_TABS[shop]], active: 'Home' },
  };
}

export function shopTyping(shop: Shop, text: string): Screen {
  return {
    app: shop,
    title: shop,
    fields: [{ hint: `Search ${shop}`, text, focused: true }],
    rows: text ? rows([text, `${text} deals`, `${text} used`]) : [],
    keyboard: true,
  };
}

export const listingNames = (product: string) => [
  product,
  `${product} premium`,
  `${product} 2 pack`,
  `${product} bundle`,
  `${product} refurbished`,
];

export function shopResults(shop: Shop, query: string, visited: readonly string[] = []): Screen {
  return {
    app: shop,
    title: shop,
    fields: [{ hint: `Search ${shop}`, text: query }],
    rows: listingNames(query).map((label) => ({
      label,
      detail: `$${10 + textHash(`${shop}/${label}`, 90)}.99`,
      ...(visited.includes(label) ? { mark: 'visited' as const } : {}),
    })),
    tabs: { items: [...SHOP_TABS[shop]], active: 'Home' },
  };
}

export function shopNoResults(shop: Shop, query: string): Screen {
  return {
    app: shop,
    title: shop,
    fields: [{ hint: `Search ${shop}`, text: query }],
    empty: `No results for "${query}"`,
    tabs: { items: [...SHOP_TABS[shop]], active: 'Home' },
  };
}

export function shopProduct(shop: Shop, listing: string, banner?: string): Screen {
  const cart = shop === 'Amazon' ? 'Add to cart' : 'Add to watchlist';
  return {
    app: shop,
    title: listing,
    up: true,
    icons: ['Share', 'Cart'],
    image: appColor(shop),
    rows: [
      { label: `$${10 + textHash(`${shop}/${listing}`, 90)}.99` },
      { label: `${3 + textHash(listing, 2)}.${textHash(listing, 10)} stars` },
    ],
    buttons: [cart, 'Buy now'],
    ...(banner ? { banner } : {}),
  };
}

// ---- Chrome ------------------------------------------------------------------------------

export function chromeStart(): Screen {
  return {
    app: 'Chrome',
    title: 'Chrome',
    icons: ['Tabs', 'More'],
    fields: [{ hint: 'Search or type URL', text: '' }],
    tiles: ['YouTube', 'Wikipedia', 'News', 'Weather'].map((label) => ({ label, color: '#e8f0fe' })),
    columns: 4,
  };
}

export function chromeTyping(text: string): Screen {
  return {
    app: 'Chrome',
    title: 'Chrome',
    fields: [{ hint: 'Search or type URL', text, focused: true }],
    rows: text ? rows([text, `${text} today`, `${text} near me`]) : [],
    keyboard: true,
  };
}

export const webResults = (query: string) => [
  `${query} - Wikipedia`,
  `${query} - Latest news`,
  `${query} - Reddit`,
  `Images for ${query}`,
  `Videos about ${query}`,
];

export function chromeResults(query: string): Screen {
  return {
    app: 'Chrome',
    title: 'Chrome',
    icons: ['Tabs', 'More'],
    fields: [{ hint: 'Search or type URL', text: query }],
    rows: rows(webResults(query)),
  };
}

export function chromePage(title: string): Screen {
  return {
    app: 'Chrome',
    title,
    up: true,
    icons: ['Share', 'More'],
    image: '#cfd8dc',
    rows: rows(['Overview', 'Details', 'References']),
  };
}

// ---- Messages ----------------------------------------------------------------------------

export function messagesStart(): Screen {
  return {
    app: 'Messages',
    title: 'Messages',
    icons: ['Search', 'More'],
    rows: [
      { label: 'Alex', detail: 'See you soon' },
      { label: 'Mom', detail: 'Call me back' },
      { label: 'Ben', detail: 'Thanks!' },
      { label: 'Bank', detail: 'Your code is 4411' },
      { label: 'Emma', detail: 'Photo' },
    ],
    fab: 'Start chat',
  };
}

export function messagesPickContact(firstRow = 0): Screen {
  return {
    app: 'Messages',
    title: 'New conversation',
    up: true,
    fields: [{ hint: 'To: type a name', text: '' }],
    rows: rows(CONTACTS),
    firstRow,
  };
}

export interface ChatState {
  sent?: readonly string[];
  attachment?: string;
  draft?: string;
  focused?: boolean;
}

export function messagesChat(contact: string, state: ChatState = {}): Screen {
  const sent = state.sent ?? [];
  return {
    app: 'Messages',
    title: contact,
    up: true,
    icons: ['Call', 'More'],
    rows: sent.map((label) => ({ label, detail: 'Sent' })),
    ...(state.attachment ? { image: state.attachment } : {}),
    composer: { hint: 'Text message', text: state.draft ?? '', ...(state.focused ? { focused: true } : {}) },
    ...(state.focused ? { keyboard: true } : {}),
  };
}

// ---- Photos ------------------------------------------------------------------------------

export function photosStart(selected?: string): Screen {
  return {
    app: 'Photos',
    title: selected ? '1 selected' : 'Photos',
    ...(selected ? { icons: ['Share', 'Delete'] } : { icons: ['Search'] }),
    tiles: PHOTOS.map((p) => (p.label === selected ? { ...p, selected: true } : p)),
    tabs: { items: ['Photos', 'Search', 'Library'], active: 'Photos' },
  };
}

export function photoView(photo: Tile): Screen {
  return { app: 'Photos', title: photo.label, up: true, icons: ['Share', 'Edit', 'Delete'], image: photo.color };
}

// ---- X ------------------------------------------------------------------------------------

const X_FEED = ['NASA', 'BBC News', 'Sports Center', 'Tech Daily', 'Music Now'];

export function xStart(posted?: string): Screen {
  return {
    app: 'X',
    title: 'Home',
    icons: ['Settings'],
    rows: [
      ...(posted ? [{ label: posted, detail: 'You - now' }] : []),
      ...X_FEED.map((label) => ({ label, detail: 'Trending post' })),
    ],
    fab: 'Post',
    tabs: { items: ['Home', 'Search', 'Alerts', 'Inbox'], active: 'Home' },
    ...(posted ? { banner: 'Your post was sent' } : {}),
  };
}

export function xCompose(text: string, image?: string): Screen {
  return {
    app: 'X',
    title: 'New post',
    up: true,
    icons: ['Post'],
    fields: [{ hint: "What's happening?", text, focused: true }],
    ...(image ? { image } : {}),
    keyboard: true,
  };
}

// ---- Clock -------------------------------------------------------------------------------

const CLOCK_TABS = ['Alarm', 'Clock', 'Timer', 'Stopwatch'];
const ALARMS: Row[] = [
  { label: '07:00', detail: 'Weekdays', toggle: true },
  { label: '09:30', detail: 'Weekends', toggle: false },
];

export function clockStart(): Screen {
  return {
    app: 'Clock',
    title: 'Clock',
    rows: [
      { label: 'London', detail: '12:00' },
      { label: 'New York', detail: '07:00' },
      { label: 'Tokyo', detail: '20:00' },
    ],
    tabs: { items: CLOCK_TABS, active: 'Clock' },
  };
}

export function clockAlarms(added?: string): Screen {
  return {
    app: 'Clock',
    title: 'Alarm',
    rows: [...ALARMS, ...(added ? [{ label: added, detail: 'Tomorrow', toggle: true }] : [])],
    fab: 'Add alarm',
    tabs: { items: CLOCK_TABS, active: 'Alarm' },
    ...(added ? { banner: `Alarm set for ${added}` } : {}),
  };
}

export function clockAlarmDialog(text: string): Screen {
  return {
    ...clockAlarms(),
    dialog: { title: 'Set alarm time', field: { hint: 'hhmm', text, focused: true }, buttons: ['Cancel', 'OK'] },
    keyboard: true,
  };
}

export function clockTimer(text: string, running = false): Screen {
  return {
    app: 'Clock',
    title: 'Timer',
    fields: [{ hint: 'Minutes', text, ...(running ? {} : { focused: true }) }],
    buttons: [running ? 'Pause' : 'Start'],
    ...(running ? { banner: `Timer: ${text} min` } : { keyboard: true }),
    tabs: { items: CLOCK_TABS, active: 'Timer' },
  };
}

// ---- Settings ----------------------------------------------------------------------------

export function settingsStart(firstRow = 0): Screen {
  return {
    app: 'Settings',
    title: 'Settings',
    fields: [{ hint: 'Search settings', text: '' }],
    rows: rows(SETTINGS.map((s) => s.section)),
    firstRow,
  };
}

export function settingsSection(section: string, on: ReadonlySet<string>): Screen {
  const toggles = SETTINGS.find((s) => s.section === section)?.toggles ?? [];
  return {
    app: 'Settings',
    title: section,
    up: true,
    icons: ['Search'],
    rows: toggles.map((label) => ({ label, toggle: on.has(label) })),
  };
}

// ---- Weather -----------------------------------------------------------------------------

export function weatherStart(): Screen {
  return {
    app: 'Weather',
    title: 'Weather',
    icons: ['Search', 'More'],
    image: '#4fc3f7',
    rows: [
      { label: 'London', detail: '14 C, cloudy' },
      { label: 'Tomorrow', detail: '16 C, sunny' },
    ],
  };
}

export function weatherSearch(text: string): Screen {
  return {
    app: 'Weather',
    title: 'Search city',
    up: true,
    fields: [{ hint: 'Search city', text, focused: true }],
    rows: text ? rows([text, `${text} airport`, `${text} region`]) : [],
    keyboard: true,
  };
}

export function weatherCity(city: string): Screen {
  return {
    app: 'Weather',
    title: city,
    up: true,
    icons: ['Add', 'More'],
    image: '#81d4fa',
    rows: [
      { label: `Now ${5 + textHash(city, 25)} C` },
      { label: 'Tomorrow', detail: `${6 + textHash(`${city}+1`, 25)} C` },
      { label: '10-day forecast' },
    ],
  };
}

// ---- Calendar ----------------------------------------------------------------------------

export function calendarStart(event?: { title: string; day: string }): Screen {
  return {
    app: 'Calendar',
    title: 'Calendar',
    icons: ['Search', 'Today'],
    rows: WEEKDAYS.map((day) => ({ label: day, detail: event?.day === day ? event.title : 'No events' })),
    fab: 'New event',
    ...(event ? { banner: 'Event saved' } : {}),
  };
}

export function calendarNewEvent(title: string, day: string | undefined, typing: boolean): Screen {
  return {
    app: 'Calendar',
    title: 'New event',
    up: true,
    icons: ['Save'],
    fields: [{ hint: 'Add title', text: title, ...(typing ? { focused: true } : {}) }],
    rows: [{ label: 'Day', detail: day ?? 'Today' }, { label: 'All-day' }, { label: 'Add location' }],
    ...(typing ? { keyboard: true } : {}),
  };
}

export function calendarDayPicker(title: string): Screen {
  return {
    ...calendarNewEvent(title, undefined, false),
    dialog: { title: 'Day', rows: [...WEEKDAYS], buttons: ['Cancel'] },
  };
}

// ---- Keep Notes --------------------------------------------------------------------------

const NOTES = ['Shopping list', 'Ideas', 'Passwords hint'];

export interface NotesState {
  added?: string;
  selected?: boolean;
  pinned?: boolean;
}

export function notesStart(state: NotesState = {}): Screen {
  const added: Row[] = state.added
    ? [{ label: state.added, ...(state.selected ? { mark: 'selected' } : state.pinned ? { mark: 'pinned' } : {}) }]
    : [];
  return {
    app: 'Keep Notes',
    title: state.selected ? '1 selected' : 'Keep Notes',
    ...(state.selected ? { up: true, icons: ['Pin', 'Archive', 'Delete'] } : { icons: ['Search'] }),
    rows: [...added, ...rows(NOTES)],
    ...(state.selected ? {} : { fab: 'New note' }),
    ...(state.pinned ? { banner: 'Note pinned' } : {}),
  };
}

export function notesEditor(text: string): Screen {
  return {
    app: 'Keep Notes',
    title: 'Note',
    up: true,
    icons: ['Pin', 'More'],
    fields: [{ hint: 'Note', text, focused: true }],
    keyboard: true,
  };
}

// ---- TickTick ----------------------------------------------------------------------------

const TASKS = ['Water the plants', 'Reply to emails', 'Gym'];

export function tickStart(added?: string): Screen {
  return {
    app: 'TickTick',
    title: 'Inbox',
    icons: ['Search', 'More'],
    rows: [...(added ? [{ label: added, detail: 'Today' }] : []), ...rows(TASKS)],
    fab: 'Add task',
    ...(added ? { banner: 'Task added' } : {}),
  };
}

export function tickAdd(text: string): Screen {
  return {
    app: 'TickTick',
    title: 'Add task',
    up: true,
    fields: [{ hint: 'What would you like to do?', text, focused: true }],
    buttons: ['Add'],
    keyboard: true,
  };
}

// ---- Contacts ----------------------------------------------------------------------------

export function contactsStart(saved?: string): Screen {
  return {
    app: 'Contacts',
    title: 'Contacts',
    fields: [{ hint: 'Search contacts', text: '' }],
    rows: rows(CONTACTS),
    fab: 'Create contact',
    ...(saved ? { banner: `${saved} saved` } : {}),
  };
}

export function contactsCreate(name: string, phone: string, focus: 'Name' | 'Phone' | undefined): Screen {
  return {
    app: 'Contacts',
    title: 'Create contact',
    up: true,
    icons: ['Save'],
    fields: [
      { hint: 'Name', text: name, ...(focus === 'Name' ? { focused: true } : {}) },
      { hint: 'Phone', text: phone, ...(focus === 'Phone' ? { focused: true } : {}) },
    ],
    ...(focus ? { keyboard: true } : {}),
  };
}

// ---- Spotify -----------------------------------------------------------------------------

const SPOTIFY_TABS = ['Home', 'Search', 'Your Library'];

export function spotifyStart(): Screen {
  return {
    app: 'Spotify',
    title: 'Good evening',
    icons: ['Settings'],
    tiles: ['Liked Songs', 'Daily Mix', 'Discover', 'Release Radar'].map((label) => ({ label, color: '#535353' })),
    columns: 2,
    tabs: { items: SPOTIFY_TABS, active: 'Home' },
  };
}

export function spotifySearch(text: string, focused: boolean): Screen {
  return {
    app: 'Spotify',
    title: 'Search',
    fields: [{ hint: 'What do you want to listen to?', text, ...(focused ? { focused: true } : {}) }],
    ...(focused
      ? { keyboard: true }
      : { tiles: ['Pop', 'Hip-Hop', 'Rock', 'Jazz'].map((label) => ({ label, color: '#8e24aa' })), columns: 2 }),
    tabs: { items: SPOTIFY_TABS, active: 'Search' },
  };
}

export const songResults = (song: string) => [song, `${song} (Live)`, `${song} - Remix`, `${song} - Acoustic`];

export function spotifyResults(song: string, banner?: string): Screen {
  return {
    app: 'Spotify',
    title: 'Search',
    fields: [{ hint: 'What do you want to listen to?', text: song }],
    rows: songResults(song).map((label) => ({ label, detail: 'Song' })),
    tabs: { items: SPOTIFY_TABS, active: 'Search' },
    ...(banner ? { banner } : {}),
  };
}

export function spotifySongMenu(song: string): Screen {
  return { ...spotifyResults(song), menu: ['Add to playlist', 'Add to queue', 'Share', 'Go to artist'] };
}

export function spotifyPlaylists(firstRow = 0): Screen {
  return { app: 'Spotify', title: 'Add to playlist', up: true, rows: rows(PLAYLISTS), firstRow };
}

export function spotifyPlayer(song: string): Screen {
  return {
    app: 'Spotify',
    title: 'Now playing',
    up: true,
    icons: ['More'],
    image: '#1db954',
    rows: [{ label: song, detail: 'Song' }],
    buttons: ['Pause'],
  };
}

// ---- YouTube -----------------------------------------------------------------------------

const YT_TABS = ['Home', 'Shorts', 'Subscriptions', 'You'];

export function youtubeStart(): Screen {
  return {
    app: 'YouTube',
    title: 'YouTube',
    icons: ['Cast', 'Search'],
    rows: rows(['Trending now', 'Live: city cam', 'Music mix', 'Podcast highlights']),
    tabs: { items: YT_TABS, active: 'Home' },
  };
}

export function youtubeSearch(text: string): Screen {
  return {
    app: 'YouTube',
    title: 'Search YouTube',
    up: true,
    fields: [{ hint: 'Search YouTube', text, focused: true }],
    keyboard: true,
  };
}

export const videoResults = (video: string) => [video, `${video} part 2`, `${video} reaction`, `best of ${video}`];

export function youtubeResults(video: string): Screen {
  return {
    app: 'YouTube',
    title: 'YouTube',
    up: true,
    fields: [{ hint: 'Search YouTube', text: video }],
    rows: videoResults(video).map((label) => ({ label, detail: 'Video' })),
  };
}

export function youtubePlayer(video: string, liked: boolean): Screen {
  return {
    app: 'YouTube',
    title: video,
    up: true,
    image: '#000000',
    buttons: [liked ? 'Liked' : 'Like', 'Share', 'Save'],
    ...(liked ? { banner: 'Added to Liked videos' } : {}),
  };
}

/** The start screen of each app, as opening it shows it. */
export function startScreen(name: string): Screen {
  switch (name) {
    case 'Amazon':
    case 'eBay':
      return shopStart(name);
    case 'Chrome':
      return chromeStart();
    case 'Messages':
      return messagesStart();
    case 'Photos':
      return photosStart();
    case 'X':
      return xStart();
    case 'Clock':
      return clockStart();
    case 'Settings':
      return settingsStart();
    case 'Weather':
      return weatherStart();
    case 'Calendar':
      return calendarStart();
    case 'Keep Notes':
      return notesStart();
    case 'TickTick':
      return tickStart();
    case 'Contacts':
      return contactsStart();
    case 'Spotify':
      return spotifyStart();
    case 'YouTube':
      return youtubeStart();
    default:
      app(name);
      return genericStart(name);
  }
}
