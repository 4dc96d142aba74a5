/** Injection tokens the kit provides globally to every service module. */
export const SERVICE_CONFIG = Symbol.for('nagare.service.config');
export const SERVICE_LOGGER = Symbol.for('nagare.service.logger');
